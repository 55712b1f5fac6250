/**
 * Bundles the package's entry points from the tsc output in dist/ (run after `tsc -p
 * tsconfig.build.json`). A Node target and a browser target, each with its main entry and its
 * worker bundled separately (each a single file plus its lazy chunks), into dist/pkg/<target>/
 * with the entries' relative layout kept — src/index.<target>.js finds workers/db.worker.js at
 * `../workers/db.worker.js`, as in dist/. Bare specifiers (dependencies, `node:*`) stay
 * external; lazy imports stay lazy chunks. The source maps lead back to the TypeScript sources
 * through tsc's maps.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * A module hides a Node-only import from browser bundlers with `const NAME = './x.js'` and
 * `import(/* @vite-ignore *\/ NAME)`. In a bundle that computed relative specifier would resolve
 * against the chunk at run time, so the Node target writes the literal back: the target becomes
 * a lazy chunk of the Node bundle. The browser target keeps the computed import (never taken).
 */
function inlineNodeOnlyImports(code) {
  if (!code.includes('/* @vite-ignore */')) return code;
  const constants = new Map([...code.matchAll(/^const ([A-Z_]+) = ('[^']+');$/gm)].map((m) => [m[1], m[2]]));
  return code.replace(/import\(\/\* @vite-ignore \*\/ ([A-Z_]+)\)/g, (call, name) => (constants.has(name) ? `import(${constants.get(name)})` : call));
}

/** Loads tsc's output with its source map (so the bundle's map reaches the .ts sources). */
function tscOutput(target) {
  return {
    name: 'tsc-output',
    load(id) {
      if (!id.startsWith(dist) || !id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
      const code = readFileSync(id, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
      return { code: target === 'node' ? inlineNodeOnlyImports(code) : code, map: readFileSync(`${id}.map`, 'utf8') };
    },
  };
}

/** Dependencies and built-ins: everything that is not a relative or absolute path. */
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

/** Bundles dist/<name>.js into dist/pkg/<target>/<name>.js, its lazy chunks beside it in chunks/. */
async function bundle(target, name) {
  const chunkPrefix = name.startsWith('workers/') ? 'worker-' : '';
  await build({
    input: { [name]: `${dist}${name}.js` },
    platform: target,
    external,
    plugins: [tscOutput(target)],
    output: {
      dir: `${dist}pkg/${target}`,
      format: 'esm',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: `chunks/${chunkPrefix}[name]-[hash].js`,
    },
  });
}

rmSync(`${dist}pkg`, { recursive: true, force: true });
for (const target of ['node', 'browser']) {
  await bundle(target, `src/index.${target}`);
  await bundle(target, 'workers/db.worker');
}
