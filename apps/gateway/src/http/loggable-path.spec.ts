import { loggablePath } from './loggable-path';

describe('loggablePath', () => {
  it('hides the token of link and signed-URL paths', () => {
    expect(loggablePath('/v1/links/AbC_-123abcdefghijklmnopqrstuvwxyz0123456789')).toBe('/v1/links/:token');
    expect(loggablePath('/v1/files/uploads/eyJ.abc')).toBe('/v1/files/uploads/:token');
    expect(loggablePath('/v1/files/downloads/eyJ.abc/')).toBe('/v1/files/downloads/:token/');
  });

  it('leaves every other path as it is', () => {
    expect(loggablePath('/v1/accounts/12/storage/links/0e9b2c6a-1d2f-4a3b-8c4d-5e6f7a8b9c0d')).toBe('/v1/accounts/12/storage/links/0e9b2c6a-1d2f-4a3b-8c4d-5e6f7a8b9c0d');
    expect(loggablePath('/v1/files/presigned-url')).toBe('/v1/files/presigned-url');
  });
});
