import { Webhook } from 'standardwebhooks';
import { generateSecret, sign, signedHeaders } from './signing';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ type: 'account.connected', timestamp: '2025-11-23T10:00:00.000Z', data: { account: { id: 1 } } });

  it('produces headers the standardwebhooks package verifies', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secret], 'evt_1', now, body);
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('rejects a tampered body or another secret', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'evt_1', Math.floor(Date.now() / 1000), body);
    expect(() => new Webhook(secret).verify(body.replace('connected', 'deleted'), headers)).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('during a rotation, signs with both secrets so either verifies', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const headers = signedHeaders([current, previous], 'evt_2', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  });

  it('matches the Standard Webhooks reference vector', () => {
    // From the standard-webhooks spec repository's test suite.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    expect(sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});
