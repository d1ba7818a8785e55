import { GROW_AFTER, NUMBER_GAP, PartPlan, type PlannedPart } from './part-plan';

const MiB = 1024 * 1024;
const s3 = { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 10_000 };
const anySize = { minPartSize: 1, maxPartSize: Number.MAX_SAFE_INTEGER, maxParts: Number.MAX_SAFE_INTEGER };

function all(plan: PartPlan): PlannedPart[] {
  const parts: PlannedPart[] = [];
  for (let p = plan.cut(); p; p = plan.cut()) parts.push(p);
  return parts;
}

function expectCovers(parts: Array<Pick<PlannedPart, 'offset' | 'size' | 'number'>>, size: number): void {
  const sorted = [...parts].sort((a, b) => a.number - b.number);
  let next = 0;
  for (const p of sorted) {
    expect(p.offset).toBe(next);
    next += p.size;
  }
  expect(next).toBe(size);
}

describe('PartPlan', () => {
  it('cuts a file into parts of the preferred size with gaps between their numbers', () => {
    const parts = all(new PartPlan(40 * MiB + 3, s3, 16 * MiB));
    expect(parts.map((p) => p.size)).toEqual([16 * MiB, 16 * MiB, 8 * MiB + 3]);
    expect(parts.map((p) => p.number)).toEqual([1, 1 + NUMBER_GAP, 1 + 2 * NUMBER_GAP]);
    expectCovers(parts, 40 * MiB + 3);
  });

  it('raises the part size so a huge file fits the part numbers', () => {
    const size = 200 * 1024 * MiB;
    const plan = new PartPlan(size, s3, 8 * MiB);
    const parts = all(plan);
    expect(parts.length).toBeLessThanOrEqual(Math.floor(s3.maxParts / NUMBER_GAP));
    expect(parts.at(-1)!.number).toBeLessThanOrEqual(s3.maxParts);
    expectCovers(parts, size);
  });

  it('leaves only the last part under the minimum', () => {
    const parts = all(new PartPlan(19 * MiB, s3, 8 * MiB));
    expect(parts.map((p) => p.size)).toEqual([8 * MiB, 8 * MiB, 3 * MiB]);
  });

  it('splits a stalled part into halves numbered inside its gap and cuts smaller parts afterwards', () => {
    const plan = new PartPlan(64 * MiB, s3, 16 * MiB);
    const first = plan.cut()!;
    const halves = plan.split(first)!;
    expect(halves.map((h) => [h.number, h.offset, h.size])).toEqual([[1, 0, 8 * MiB], [1 + NUMBER_GAP / 2, 8 * MiB, 8 * MiB]]);
    expect(plan.partSize).toBe(8 * MiB);
    const rest = all(plan);
    expect(rest[0].size).toBe(8 * MiB);
    expectCovers([...halves, ...rest], 64 * MiB);
  });

  it('does not split below the destination minimum, nor when the part has no numbers left', () => {
    const plan = new PartPlan(64 * MiB, s3, 8 * MiB);
    expect(plan.split(plan.cut()!)).toBeNull(); // 4 + 4 MiB < 5 MiB
    const local = new PartPlan(100, anySize, 64);
    expect(local.split({ number: 3, width: 1, offset: 0, size: 64 })).toBeNull();
  });

  it('grows back to the planned size after a run of fast parts', () => {
    const plan = new PartPlan(1024 * MiB, s3, 32 * MiB);
    plan.split(plan.cut()!);
    plan.split(plan.cut()!);
    expect(plan.partSize).toBe(8 * MiB);
    for (let i = 0; i < GROW_AFTER; i++) plan.succeeded();
    expect(plan.partSize).toBe(16 * MiB);
    for (let i = 0; i < 3 * GROW_AFTER; i++) plan.succeeded();
    expect(plan.partSize).toBe(32 * MiB);
  });

  it('resumes its cursor from the parts already stored', () => {
    const first = new PartPlan(50 * MiB, s3, 10 * MiB);
    const stored = [first.cut()!, first.cut()!];
    const again = new PartPlan(50 * MiB, s3, 10 * MiB, stored);
    const rest = all(again);
    expect(rest[0]).toMatchObject({ offset: 20 * MiB, number: 1 + 2 * NUMBER_GAP });
    expectCovers([...stored, ...rest], 50 * MiB);
  });
});
