/**
 * Bundles the package's entry points from the tsc output in dist/ (run after `tsc -p
 * tsconfig.build.json`). A Node target and a browser target, each with its main entry and its
 * worker bundled separately (each a single file plus its lazy chunks), into dist/pkg/<target>/
 * with the entries' relative layout kept — src/index.<target>.js finds workers/db.worker.js at
 * `../workers/db.worker.js`, as in dist/. Bare specifiers (dependencies, `node:*`) stay
 * external (the Node target's exceptions: NODE_INLINED, NODE_ESM_BUILDS); lazy imports stay lazy chunks. The source maps lead back to the TypeScript sources
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
  return code.replace(/import\(\/\* @vite-ignore \*\/ ([A-Z_]+)\)/g, (call, name) => {
    if (!constants.has(name)) throw new Error(`bundle: ${call} without a top-level \`const ${name} = '...';\` in the same module`);
    return `import(${constants.get(name)})`;
  });
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

/**
 * Node target: the dependencies whose loading costs a fresh process most, measured on its path
 * to the first query (in both the main thread and the worker). `@noble/hashes/blake2.js` is five
 * files (~10 ms), so it is bundled in (an exact-pinned dependency, a few kB). Browser bundles
 * keep every dependency external for the app's bundler.
 */
const NODE_INLINED = ['@noble/hashes/'];

/** Dependencies and built-ins (everything but relative and absolute paths), less those a target bundles in. */
const externalFor = (target) => (id) =>
  !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !(target === 'node' && NODE_INLINED.some((prefix) => id.startsWith(prefix)));

/** Bundles dist/<name>.js into dist/pkg/<target>/<name>.js, its lazy chunks beside it in chunks/. */
async function bundle(target, name) {
  const chunkPrefix = name.startsWith('workers/') ? 'worker-' : '';
  await build({
    input: { [name]: `${dist}${name}.js` },
    platform: target,
    external: externalFor(target),
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
