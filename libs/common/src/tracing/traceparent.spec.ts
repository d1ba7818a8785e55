import { childTraceparent, traceIdOf } from './traceparent';

describe('traceparent', () => {
  const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads the trace id of a valid header and refuses malformed or all-zero ones', () => {
    expect(traceIdOf(given)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
    expect(traceIdOf(undefined)).toBeNull();
  });

  it('continues the caller\'s trace with a new span, or starts a new trace', () => {
    const child = childTraceparent(given);
    expect(traceIdOf(child)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child).not.toBe(given);
    expect(child.endsWith('-01')).toBe(true);
    const fresh = childTraceparent('nonsense');
    expect(traceIdOf(fresh)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(fresh)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
