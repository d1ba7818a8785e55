/**
 * Durations and the retry schedule. A duration is `<n><unit>` with unit ms,
 * s, m, h or d (`0` alone is allowed). The schedule lists when each attempt
 * happens, counted from the FIRST attempt (seed 003: 0, 5m, 1h, 12h); the
 * first attempt is always immediate, so a list not starting with 0 gets one:
 * `1s,2s,3s` means four attempts, at 0, 1 s, 2 s and 3 s.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (like 500ms, 10s, 5m, 1h, 2d)`);
  const n = Number(m[1]);
  if (!m[2] && n !== 0) throw new Error(`"${text}" needs a unit (ms, s, m, h or d)`);
  return Math.round(n * UNIT_MS[(m[2] ?? 'ms') as keyof typeof UNIT_MS]);
}

/** Offsets (ms) of every attempt from the first one; always starts with 0 and never decreases. */
export function parseSchedule(text: string): number[] {
  const offsets = text.split(',').map((s) => s.trim()).filter(Boolean).map(parseDuration);
  if (offsets.length === 0) throw new Error('the schedule is empty');
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] < offsets[i - 1]) throw new Error('the schedule must not go back in time (each offset counts from the first attempt)');
  }
  if (offsets[0] !== 0) offsets.unshift(0);
  if (offsets.length > 50) throw new Error('at most 50 attempts');
  return offsets;
}

/**
 * When attempt number `next` (1-based) is due, given when attempt 1 happened.
 * Null when the schedule has no such attempt. Never earlier than `now`: a late
 * start (the service was down) sends at once instead of skipping attempts.
 */
export function nextAttemptAt(schedule: number[], firstAttemptAt: Date, next: number, now: Date): Date | null {
  if (next < 1 || next > schedule.length) return null;
  const due = firstAttemptAt.getTime() + schedule[next - 1];
  return new Date(Math.max(due, now.getTime()));
}
