import { AppError, toAppError } from '@dex/shared/errors';
import type { BridgeResult } from '#shared/console-api.ts';

/**
 * The data of a bridge answer, or the AppError it carried (`AppError.fromJSON`). A bridge
 * that rejects instead of answering (it should not) becomes an AppError too, so every query
 * and mutation error in the renderer is an AppError.
 * @example const clients = await unwrap(bridge.clients.list({ q }));
 */
export async function unwrap<T>(answer: Promise<BridgeResult<T>>): Promise<T> {
  let result: BridgeResult<T>;
  try {
    result = await answer;
  } catch (error) {
    throw toAppError(error);
  }
  if (result.ok) return result.data;
  throw AppError.fromJSON(result.error);
}
