// Preloaded into the s3rver child process (node -r). s3rver 3.7.1 deletes a
// batch of objects in parallel and each deletion then removes its now-empty
// parent folders: two racing on one folder make the loser fail with ENOENT (a
// 500 on DeleteObjects). The clean-up is made tolerant of that race; the S3
// protocol is untouched.
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const original = FilesystemStore.prototype.deleteObject;
FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  try {
    await original.call(this, bucket, key);
  } catch (err) {
    if (err.code !== 'ENOENT' && err.code !== 'ENOTEMPTY') throw err;
  }
};
