/**
 * A service's capabilities as `GET /v1/public/services?retrieve_properties=true`
 * lists them: Kloudless' `<api>.<resource>.<action>` names, each a list of
 * `{result}` (the File Picker 2.6 shows only services whose
 * `storage.folders.list` and `storage.folders.read` hold one with
 * `result: true`). Derived from the account capabilities the connectors
 * declare (`can_create_folder` …), so both views say the same.
 */
export type ServiceCapabilities = Record<string, Array<{ result: boolean }>>;

/** Each Kloudless service capability and the account capability it follows (`true`: a method every connector has). */
const FROM_ACCOUNT_CAPABILITY: Record<string, string | true> = {
  'storage.folders.list': true,
  'storage.folders.read': true,
  'storage.folders.create': 'can_create_folder',
  'storage.folders.rename': 'can_rename_folder',
  'storage.folders.move': 'can_move_folder',
  'storage.folders.copy': 'can_copy_folder',
  'storage.folders.delete': 'can_delete_folder',
  'storage.files.read': true,
  'storage.files.download': true,
  'storage.files.upload': 'can_upload_file',
  'storage.files.update': 'can_update_file_content',
  'storage.files.rename': 'can_rename_file',
  'storage.files.move': 'can_move_file',
  'storage.files.copy': 'can_copy_file',
  'storage.files.delete': 'can_delete_file',
  'storage.multipart': 'multipart_uploads_supported_for_files',
  'storage.search': 'can_search_file_name',
  'storage.links': true,
  'storage.properties': 'properties_supported_for_files',
  'storage.permissions': 'permissions_supported_for_files',
};

export function serviceCapabilities(account: Record<string, { value: boolean }>): ServiceCapabilities {
  return Object.fromEntries(
    Object.entries(FROM_ACCOUNT_CAPABILITY).map(([name, from]) => [name, [{ result: from === true || account[from]?.value === true }]]),
  );
}
