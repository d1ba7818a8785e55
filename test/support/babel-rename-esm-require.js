// ESM packages sometimes declare `const require = createRequire(import.meta.url)`.
// Compiled to CommonJS for Jest, that local `require` would shadow the module
// wrapper's own; renaming it keeps both.
module.exports = function renameEsmRequire() {
  return {
    visitor: {
      Program(path) {
        const binding = path.scope.getBinding('require');
        if (binding && binding.kind !== 'module' && binding.path.isVariableDeclarator()) {
          path.scope.rename('require', '__esmRequire');
        }
      },
    },
  };
};
