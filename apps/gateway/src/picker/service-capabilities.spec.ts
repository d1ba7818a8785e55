import { serviceCapabilities } from './service-capabilities';

describe('serviceCapabilities', () => {
  it('lists folder listing and reading as supported, and follows the account capabilities for the rest', () => {
    const caps = serviceCapabilities({ can_create_folder: { value: true }, can_copy_file: { value: false }, can_search_file_name: { value: true } });
    expect(caps['storage.folders.list']).toEqual([{ result: true }]);
    expect(caps['storage.folders.read']).toEqual([{ result: true }]);
    expect(caps['storage.folders.create']).toEqual([{ result: true }]);
    expect(caps['storage.files.copy']).toEqual([{ result: false }]);
    expect(caps['storage.search']).toEqual([{ result: true }]);
    // Not declared: not claimed.
    expect(caps['storage.multipart']).toEqual([{ result: false }]);
  });
});
