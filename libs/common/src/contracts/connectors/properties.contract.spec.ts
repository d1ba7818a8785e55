import { PROPERTY_LIMITS, propertyChanges } from './properties.contract';

describe('property changes', () => {
  const ok = (body: unknown) => propertyChanges.safeParse(body).success;

  it('takes a list of {key, value} where value is a string or null (delete)', () => {
    expect(ok([])).toBe(true);
    expect(ok([{ key: 'a', value: 'b' }, { key: 'gone', value: null }])).toBe(true);
  });

  it('refuses what is not a list of well-formed entries', () => {
    expect(ok({ key: 'a', value: 'b' })).toBe(false);
    expect(ok([{ key: '', value: 'b' }])).toBe(false);
    expect(ok([{ key: 'a' }])).toBe(false);
    expect(ok([{ key: 'a', value: 1 }])).toBe(false);
    expect(ok([{ key: 7, value: 'b' }])).toBe(false);
  });

  it('holds keys, values and the number of entries to their limits', () => {
    expect(ok([{ key: 'k'.repeat(PROPERTY_LIMITS.keyLength), value: 'v'.repeat(PROPERTY_LIMITS.valueLength) }])).toBe(true);
    expect(ok([{ key: 'k'.repeat(PROPERTY_LIMITS.keyLength + 1), value: 'v' }])).toBe(false);
    expect(ok([{ key: 'k', value: 'v'.repeat(PROPERTY_LIMITS.valueLength + 1) }])).toBe(false);
    expect(ok(Array.from({ length: PROPERTY_LIMITS.perFile }, (_, i) => ({ key: `k${i}`, value: 'v' })))).toBe(true);
    expect(ok(Array.from({ length: PROPERTY_LIMITS.perFile + 1 }, (_, i) => ({ key: `k${i}`, value: 'v' })))).toBe(false);
  });

  it('says what is wrong in words a user reads', () => {
    const result = propertyChanges.safeParse({ key: 'a' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(/JSON list/);
  });
});
