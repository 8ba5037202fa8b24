export { clientErrorAnswer } from './client-error.ts';
export { jsonErrorHandler, logHttpError, normalizeHttpError } from './error-handler.ts';
export { listenOn, type ListeningServer, type ListenOptions } from './listen.ts';
export { locals, requestContext, type RequestLocals, type ResponseWithLocals, trackRequest } from './request-context.ts';
export { hasUnstorableCharacter, refuseUnstorableInput } from './storable-text.ts';
