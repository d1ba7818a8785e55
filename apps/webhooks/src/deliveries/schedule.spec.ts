import { nextAttemptAt, parseDuration, parseSchedule } from './schedule';

describe('retry schedule', () => {
  it('parses durations with units', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(() => parseDuration('10')).toThrow(/unit/);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('has the seed 003 default: at once, then 5 minutes, 1 hour and 12 hours after the first attempt', () => {
    expect(parseSchedule('0,5m,1h,12h')).toEqual([0, 300_000, 3_600_000, 43_200_000]);
  });

  it('adds the immediate first attempt when the list leaves it out', () => {
    expect(parseSchedule('1s,2s,3s')).toEqual([0, 1000, 2000, 3000]);
  });

  it('refuses a schedule that goes back in time or is empty', () => {
    expect(() => parseSchedule('0,1h,5m')).toThrow(/back in time/);
    expect(() => parseSchedule(' , ')).toThrow(/empty/);
  });

  it('counts every attempt from the first one, not from the previous one', () => {
    const schedule = parseSchedule('0,5m,1h,12h');
    const first = new Date('2025-01-01T00:00:00Z');
    // Attempt 2 happened late (at +7 min): attempt 3 is still due at first + 1 h.
    const now = new Date('2025-01-01T00:07:00Z');
    expect(nextAttemptAt(schedule, first, 3, now)?.toISOString()).toBe('2025-01-01T01:00:00.000Z');
    expect(nextAttemptAt(schedule, first, 4, now)?.toISOString()).toBe('2025-01-01T12:00:00.000Z');
    expect(nextAttemptAt(schedule, first, 5, now)).toBeNull();
  });

  it('sends at once an attempt whose time has passed (service was down), without skipping it', () => {
    const schedule = parseSchedule('0,5m');
    const first = new Date('2025-01-01T00:00:00Z');
    const now = new Date('2025-01-01T02:00:00Z');
    expect(nextAttemptAt(schedule, first, 2, now)?.toISOString()).toBe(now.toISOString());
  });
});
