import { InvalidParametersError } from '@app/common';
import type { Page } from './connector';
import { pageBy, pageByName } from './paging';

describe('pageByName', () => {
  const entries = ['e', 'a', 'é', 'c', 'b', 'd'].map((name) => ({ name }));

  it('returns every entry once, sorted by code point, across pages', () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ name: string }> = pageByName(entries, { pageSize: 4, cursor });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((e) => e.name));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'é']);
  });

  it('has no next page when everything fits', () => {
    expect(pageByName(entries, { pageSize: 6 }).next).toBeNull();
  });

  it('stays correct when an entry before the cursor disappears', () => {
    const first = pageByName(entries, { pageSize: 2 });
    const rest = pageByName(entries.filter((e) => e.name !== 'a'), { pageSize: 10, cursor: first.next });
    expect(rest.items.map((e) => e.name)).toEqual(['c', 'd', 'e', 'é']);
  });

  it('refuses bad page sizes and cursors', () => {
    expect(() => pageByName(entries, { pageSize: 0 })).toThrow(InvalidParametersError);
    expect(() => pageByName(entries, { pageSize: 1.5 })).toThrow(InvalidParametersError);
    expect(() => pageByName(entries, { pageSize: 2, cursor: 'not-a-cursor' })).toThrow(InvalidParametersError);
  });

  it('pages by any key', () => {
    const page = pageBy([{ path: 'b/x' }, { path: 'a/y' }], (e) => e.path, { pageSize: 1 });
    expect(page.items).toEqual([{ path: 'a/y' }]);
    expect(pageBy([{ path: 'b/x' }, { path: 'a/y' }], (e) => e.path, { pageSize: 1, cursor: page.next }).items).toEqual([{ path: 'b/x' }]);
  });
});
