import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { CredentialsTransport } from './credentials-transport';

describe('CredentialsTransport', () => {
  const key = randomBytes(32).toString('base64');
  const meta = { requestId: 'req-1', appId: 'app-a' };
  const creds = { accountId: 7, service: 's3' as const, config: { secretAccessKey: 'very-secret' } };

  it('seals a reply nobody without the key can read, and opens it for the request it answers', () => {
    const reply = new CredentialsTransport(key).seal(meta, creds);
    expect(JSON.stringify(reply)).not.toContain('very-secret');
    expect(new CredentialsTransport(key).open(meta, reply)).toEqual(creds);
  });

  it('refuses another key, another request, another app, another account and an expired reply', () => {
    const reply = new CredentialsTransport(key).seal(meta, creds);
    expect(() => new CredentialsTransport(randomBytes(32).toString('base64')).open(meta, reply)).toThrow(AppError);
    expect(() => new CredentialsTransport(key).open({ ...meta, requestId: 'req-2' }, reply)).toThrow(/does not answer this request/);
    expect(() => new CredentialsTransport(key).open({ ...meta, appId: 'app-b' }, reply)).toThrow(/does not answer this request/);
    expect(() => new CredentialsTransport(key).open(meta, { ...reply, accountId: 8 })).toThrow(/does not answer this request/);
    const stale = new CredentialsTransport(key, -1).seal(meta, creds);
    expect(() => new CredentialsTransport(key).open(meta, stale)).toThrow(/does not answer this request/);
  });
});
