/** The small HTML pages of a shared link's public URL. Pure functions: text in, HTML out, every value escaped. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 1536 → "1.5 KB": how big the file is, for a person. */
export function humanSize(bytes: number | null): string {
  if (bytes === null) return 'unknown size';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem;word-break:break-all}.size{color:#666}.error{color:#b00020}button,.button{display:inline-block;font:inherit;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#1565c0;color:#fff;text-decoration:none;cursor:pointer}input{font:inherit;padding:.4rem;margin-right:.5rem}</style>
<body>${body}</body></html>\n`;
}

/**
 * The download page: the file's name and size and a download button. With a
 * password the button posts it back (never put in a URL); without, it is a
 * plain link to `?download=1`.
 */
export function downloadPage(file: { name: string; size: number | null }, password: string | null): string {
  const button =
    password === null
      ? `<a class="button" href="?download=1" rel="nofollow">Download</a>`
      : `<form method="post"><input type="hidden" name="password" value="${escapeHtml(password)}"><input type="hidden" name="download" value="1"><button type="submit">Download</button></form>`;
  return page(file.name, `<h1>${escapeHtml(file.name)}</h1><p class="size">${escapeHtml(humanSize(file.size))}</p>${button}`);
}

/** Asks for the link's password; `wrong` after a wrong one. Posts back to the same URL. */
export function passwordPage(wrong: boolean): string {
  const error = wrong ? `<p class="error">That password is not right.</p>` : '';
  return page(
    'Password required',
    `<h1>This file is protected by a password</h1>${error}<form method="post"><input type="password" name="password" aria-label="Password" autocomplete="off" autofocus required><button type="submit">Open</button></form>`,
  );
}

/** Any refusal (not found, expired, too many guesses), said plainly. */
export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** `attachment` with the name as is (RFC 6266 `filename*`) and an ASCII fallback for old clients. */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
