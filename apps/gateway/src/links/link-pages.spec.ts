import { attachmentDisposition, downloadPage, errorPage, humanSize, passwordPage } from './link-pages';

describe('link pages', () => {
  it('escapes every value it shows', () => {
    const page = downloadPage({ name: '<img src=x onerror=alert(1)>.txt', size: 5 }, '"><script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;.txt');
    expect(errorPage('<b>', '<i>')).not.toMatch(/<[bi]>/);
  });

  it('links to ?download=1 without a password, and posts the password back (never in a URL) with one', () => {
    expect(downloadPage({ name: 'a.txt', size: 1 }, null)).toContain('href="?download=1"');
    const withPassword = downloadPage({ name: 'a.txt', size: 1 }, 'pw');
    expect(withPassword).toContain('<form method="post">');
    expect(withPassword).toContain('name="password" value="pw"');
    expect(withPassword).not.toContain('?password=');
  });

  it('says when a password was wrong', () => {
    expect(passwordPage(false)).not.toContain('not right');
    expect(passwordPage(true)).toContain('not right');
  });

  it('shows sizes for people', () => {
    expect(humanSize(0)).toBe('0 bytes');
    expect(humanSize(1023)).toBe('1023 bytes');
    expect(humanSize(1536)).toBe('1.5 KB');
    expect(humanSize(300_000)).toBe('293 KB');
    expect(humanSize(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(humanSize(null)).toBe('unknown size');
  });

  it('names downloads with an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('été "final".pdf')).toBe(`attachment; filename="_t_ _final_.pdf"; filename*=UTF-8''%C3%A9t%C3%A9%20%22final%22.pdf`);
    expect(attachmentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
