import { InvalidParametersError } from '@app/common';
import { s3RawRoot } from '../s3/s3.raw';
import { rawRoot, resolveRawUri, withQuery } from './raw-scope';
import { clientHeaders, responseHeaders } from './raw-request';

describe('resolveRawUri: a raw request stays on the account\'s own service', () => {
  const bucket = { origin: 'http://127.0.0.1:9000', path: '/tenant-bucket' };
  const api = [{ origin: 'https://api.dropboxapi.com', path: '' }, { origin: 'https://content.dropboxapi.com', path: '' }];
  const refused = (uri: string, roots = [bucket]) => expect(() => resolveRawUri(uri, roots)).toThrow(InvalidParametersError);

  it('resolves relative URIs below the API base', () => {
    expect(resolveRawUri('/?list-type=2', [bucket]).toString()).toBe('http://127.0.0.1:9000/tenant-bucket/?list-type=2');
    expect(resolveRawUri('?list-type=2', [bucket]).toString()).toBe('http://127.0.0.1:9000/tenant-bucket?list-type=2');
    expect(resolveRawUri('a/b.txt', [bucket]).toString()).toBe('http://127.0.0.1:9000/tenant-bucket/a/b.txt');
    expect(resolveRawUri('/2/files/list_folder', api).toString()).toBe('https://api.dropboxapi.com/2/files/list_folder');
  });

  it('accepts absolute URIs on the service\'s own origins (API and content hosts)', () => {
    expect(resolveRawUri('https://content.dropboxapi.com/2/files/download', api).host).toBe('content.dropboxapi.com');
    expect(resolveRawUri('http://127.0.0.1:9000/tenant-bucket/x', [bucket]).pathname).toBe('/tenant-bucket/x');
  });

  it('refuses the metadata address, other hosts, other ports and other schemes', () => {
    refused('http://169.254.169.254/latest/meta-data/');
    refused('http://169.254.169.254/latest/meta-data/', api);
    refused('https://evil.example/2/files', api);
    refused('http://127.0.0.1:9001/tenant-bucket/');
    refused('https://127.0.0.1:9000/tenant-bucket/');
    refused('file:///etc/passwd');
    refused('gopher://127.0.0.1:9000/tenant-bucket');
  });

  it('refuses protocol-relative URIs, userinfo tricks and backslashes', () => {
    refused('//evil/');
    refused('//evil.example/2/files', api);
    refused('https://api.dropboxapi.com@evil.example/', api);
    refused('https://user:pw@api.dropboxapi.com/2/files', api);
    refused('/\\evil.example/', api);
    refused('\\\\evil.example\\x', api);
    refused('/a b');
    refused('/a#frag');
    refused('/a\r\nHost: evil');
  });

  it('refuses paths that would leave a bucket-scoped base, however they are spelled', () => {
    refused('/../other-bucket/');
    refused('../other-bucket/secret');
    refused('/%2e%2e/other-bucket/');
    refused('/.%2E/other-bucket/');
    refused('/..%2fother-bucket/');
    refused('/x/%2F..%2F..%2Fother-bucket');
    refused('http://127.0.0.1:9000/other-bucket/key');
    refused('http://127.0.0.1:9000/tenant-bucket/../other-bucket/key');
    refused('http://127.0.0.1:9000/tenant-bucket-2/key');
    // Staying inside is fine, dot segments or not.
    expect(resolveRawUri('/a/../b', [bucket]).pathname).toBe('/tenant-bucket/b');
  });

  it('adds raw[...] query parameters', () => {
    expect(withQuery(resolveRawUri('/x?a=1', [bucket]), { b: '2' }).search).toBe('?a=1&b=2');
  });
});

describe('s3RawRoot', () => {
  const base = { region: 'eu-west-1', accessKeyId: 'k', secretAccessKey: 's' };
  it('confines path-style accounts to their bucket\'s path and virtual-hosted ones to their bucket\'s host', () => {
    expect(s3RawRoot({ ...base, bucket: 'b1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true })).toEqual({ origin: 'http://127.0.0.1:9000', path: '/b1' });
    expect(s3RawRoot({ ...base, bucket: 'b1' })).toEqual({ origin: 'https://b1.s3.eu-west-1.amazonaws.com', path: '' });
    expect(s3RawRoot({ ...base, bucket: 'my.bucket' })).toEqual({ origin: 'https://s3.eu-west-1.amazonaws.com', path: '/my.bucket' });
    expect(rawRoot('https://dav.example/remote.php/dav/files/me/')).toEqual({ origin: 'https://dav.example', path: '/remote.php/dav/files/me' });
  });
});

describe('raw headers', () => {
  it('never lets a client set credentials, the host or the framing upstream', () => {
    const headers = clientHeaders({ method: 'GET', uri: '/', query: {}, headers: { Authorization: 'x', Host: 'evil', Cookie: 'c', 'Content-Length': '9', 'X-Custom': 'ok', Connection: 'close' } });
    expect(headers).toEqual({ 'x-custom': 'ok' });
  });
  it('drops hop-by-hop headers (and those Connection names) and cookies from the answer', () => {
    expect(responseHeaders({ connection: 'close, x-hop', 'x-hop': '1', 'set-cookie': ['a=b'], 'transfer-encoding': 'chunked', 'content-type': 'text/xml', etag: '"1"' }))
      .toEqual({ 'content-type': 'text/xml', etag: '"1"' });
  });
});
