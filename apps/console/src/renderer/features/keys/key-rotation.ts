import type { TRotateKeysResult, TRotationMode, TSigningKey, TSigningKeyList } from '@dex/shared/admin-api';

/**
 * A rotation's timeline, whether foreseen from the key list (the confirm dialog) or done (the
 * overlord's answer, for the toast): both are told by {@link describeRotation}.
 */
export interface RotationTimeline {
  mode: TRotationMode;
  /** The key that signs afterwards; null when the overlord has not made it yet (a new key). */
  kid: string | null;
  /** When that key entered (or enters) the JWKS. */
  publishedAt: string;
  /** When workers start signing with it. */
  activatesAt: string;
  /** The key that signs until then, or null when none does. */
  previousKid: string | null;
  /** When the previous key leaves the JWKS (publish-first: one key period after it stops signing). */
  previousExpiresAt: string | null;
  /** Keys taken out of the JWKS at once (immediate mode). */
  withdrawn: readonly string[];
}

/** How instants read in the sentence: an absolute time, and optionally where it is from now. */
export interface InstantFormat {
  now: number;
  formatTime: (iso: string) => string;
  formatRelative?: (iso: string, now: number) => string;
}

/** Instants this close to now are "at once" / "now": the overlord's clock and ours differ a little, and a toast comes a moment later. */
const AT_ONCE_MS = 1_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What "Rotate now" will do, foreseen from the key list exactly as the overlord decides it
 * (`rotateSigningKeysOnDemand`): publish-first signs with the published successor once it has
 * been published for the publish delay (a new key, published now, when there is none), and
 * the active key stops signing at that instant and stays published one key period more;
 * immediate withdraws every key and signs with a fresh one at once.
 * @example planRotation(list, 'publish-first', Date.now()).activatesAt // now + publishDelaySeconds when no key is waiting
 */
export function planRotation(list: TSigningKeyList, mode: TRotationMode, now: number): RotationTimeline {
  const active = list.keys.find((key) => key.state === 'active');
  if (mode === 'immediate') {
    return {
      mode,
      kid: null,
      publishedAt: iso(now),
      activatesAt: iso(now),
      previousKid: active?.kid ?? null,
      previousExpiresAt: active === undefined ? null : iso(now),
      withdrawn: list.keys.map((key) => key.kid),
    };
  }
  const successor = nextKeys(list.keys)[0];
  const publishedAt = successor === undefined ? now : Date.parse(successor.createdAt);
  const activatesAt = active === undefined ? now : Math.max(now, publishedAt + list.publishDelaySeconds * 1000);
  return {
    mode,
    kid: successor?.kid ?? null,
    publishedAt: iso(publishedAt),
    activatesAt: iso(activatesAt),
    previousKid: active?.kid ?? null,
    previousExpiresAt: active === undefined ? null : iso(activatesAt + list.keyPeriodSeconds * 1000),
    withdrawn: [],
  };
}

/**
 * The timeline the overlord answered a rotation with.
 * @example describeRotation(rotationFromResult(result), { now: Date.now(), formatTime })
 */
export function rotationFromResult(result: TRotateKeysResult): RotationTimeline {
  return {
    mode: result.mode,
    kid: result.kid,
    publishedAt: result.publishedAt,
    activatesAt: result.activatesAt,
    previousKid: result.previousKid,
    previousExpiresAt: result.previousExpiresAt,
    withdrawn: result.withdrawn,
  };
}

/**
 * The one sentence that says what a rotation does (the dialog, before) or did (the toast,
 * after), e.g. "A new key is published now and signs from 14:05:12 (in 5 s); the current key
 * k1 stops signing then and stays published until 4 Dec 14:05:12 (in 1 d), so the tokens it
 * signed keep verifying."
 * @example describeRotation(planRotation(list, 'immediate', now), { now, formatTime: (at) => at })
 */
export function describeRotation(timeline: RotationTimeline, format: InstantFormat): string {
  const at = (instant: string) => {
    const relative = format.formatRelative?.(instant, format.now);
    return relative === undefined ? format.formatTime(instant) : `${format.formatTime(instant)} (${relative})`;
  };
  const isNow = (instant: string) => Math.abs(Date.parse(instant) - format.now) < AT_ONCE_MS;
  const newKey = timeline.kid === null ? 'A new key' : `A new key ${timeline.kid}`;

  if (timeline.mode === 'immediate') {
    const withdrawn =
      timeline.withdrawn.length === 0
        ? ''
        : `; ${list(timeline.withdrawn)} ${timeline.withdrawn.length === 1 ? 'leaves' : 'leave'} the JWKS at once, so every token ${
            timeline.withdrawn.length === 1 ? 'it' : 'they'
          } signed stops verifying (workers follow within about a second; relying parties that cached the JWKS may need to refetch it)`;
    return `${newKey} is published and signs at once${withdrawn}.`;
  }

  const signs = isNow(timeline.activatesAt) ? 'signs at once' : `signs from ${at(timeline.activatesAt)}`;
  const head = isNow(timeline.publishedAt)
    ? `${newKey} is published now and ${signs}`
    : `The next key${timeline.kid === null ? '' : ` ${timeline.kid}`}, published since ${format.formatTime(timeline.publishedAt)}, ${signs}`;
  if (timeline.previousKid === null || timeline.previousExpiresAt === null) return `${head}.`;
  return (
    `${head}; the current key ${timeline.previousKid} stops signing ${isNow(timeline.activatesAt) ? 'at once' : 'then'} ` +
    `and stays published until ${at(timeline.previousExpiresAt)}, so the tokens it signed keep verifying.`
  );
}

/** One scheduled rotation: at `at`, `retiringKid` stops signing and the successor signs. */
export interface ScheduledRotation {
  at: string;
  /** The key that stops signing (null for the second rotation's, when its key does not exist yet). */
  retiringKid: string | null;
  /** The key that signs from then on, or null when the overlord has not made it yet. */
  successorKid: string | null;
  /** When that successor is (or was) published: half a key period ahead, or the publish delay if longer. */
  successorPublishedAt: string;
}

/**
 * The next `count` scheduled rotations, as the overlord's job schedules them
 * (`rotateSigningKeys`): the active key retires at `nextRotationAt`; its successor activates
 * exactly then and signs one key period; each successor is created half a key period (at
 * least one publish delay) before it signs.
 * @example scheduledRotations(list, 2).map((rotation) => rotation.at) // [nextRotationAt, nextRotationAt + keyPeriod]
 */
export function scheduledRotations(list: TSigningKeyList, count = 2): ScheduledRotation[] {
  if (list.nextRotationAt === null) return [];
  const period = list.keyPeriodSeconds * 1000;
  const lead = Math.max(period / 2, list.publishDelaySeconds * 1000);
  const active = list.keys.find((key) => key.state === 'active');
  const waiting = nextKeys(list.keys);
  const rotations: ScheduledRotation[] = [];
  let at = Date.parse(list.nextRotationAt);
  let retiringKid: string | null = active?.kid ?? null;
  for (let index = 0; index < count; index++) {
    const successor = waiting.find((key) => Date.parse(key.activatesAt) === at);
    rotations.push({
      at: iso(at),
      retiringKid,
      successorKid: successor?.kid ?? null,
      successorPublishedAt: successor === undefined ? iso(at - lead) : successor.createdAt,
    });
    // The successor signs until its own retirement (set when it was made), else one period.
    retiringKid = successor?.kid ?? null;
    at = successor?.retiresAt == null ? at + period : Date.parse(successor.retiresAt);
  }
  return rotations;
}

/** Keys published but not signing yet, soonest first. */
function nextKeys(keys: readonly TSigningKey[]): TSigningKey[] {
  return keys.filter((key) => key.state === 'next').sort((a, b) => Date.parse(a.activatesAt) - Date.parse(b.activatesAt));
}

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
