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

// s3rver 3.7.1 answers UploadPartCopy (PUT ?partNumber&uploadId with
// x-amz-copy-source) NotImplemented. S3 copies above 5 GiB need it, so the test
// server gains it here, per the S3 API reference: the part is the source's
// bytes (x-amz-copy-source-range `bytes=first-last`, inclusive), answered with
// <CopyPartResult><ETag/><LastModified/></CopyPartResult>. Signatures of these
// requests are not checked (the test server's other routes do that).
const router = require('s3rver/lib/routes');
const originalRoutes = router.routes.bind(router);
router.routes = function routes() {
  const routed = originalRoutes();
  return async function uploadPartCopyOrRoute(ctx, next) {
    const copySource = ctx.headers['x-amz-copy-source'];
    if (ctx.method !== 'PUT' || !copySource || ctx.query.uploadId === undefined || ctx.query.partNumber === undefined) return routed(ctx, next);
    const [bucket, ...keyParts] = ctx.path.replace(/^\/+/, '').split('/');
    const source = decodeURIComponent(copySource.split('?')[0]).replace(/^\/+/, '');
    const slash = source.indexOf('/');
    const range = /^bytes=(\d+)-(\d+)$/.exec(ctx.headers['x-amz-copy-source-range'] || '');
    const object = await ctx.store.getObject(source.slice(0, slash), source.slice(slash + 1), range ? { start: Number(range[1]), end: Number(range[2]) } : undefined);
    if (!object || !object.content) {
      ctx.status = 404;
      ctx.body = { Error: { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: keyParts.join('/') } };
      return;
    }
    const { md5 } = await ctx.store.putPart(bucket, ctx.query.uploadId, ctx.query.partNumber, object.content);
    ctx.body = { CopyPartResult: { LastModified: new Date().toISOString(), ETag: JSON.stringify(md5) } };
  };
};
