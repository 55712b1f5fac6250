/**
 * The layering of src/ (docs/architecture.md), checked in CI by `npm run lint:deps`: a folder
 * imports only the folders below it — type imports included — and nothing forms a cycle.
 */
const LAYERS = ['api', 'sql', 'storage', 'engine', 'host', 'transport', 'client', 'features', 'platform', 'manager'];

/** One rule per layer: nothing in it may import a layer above it. */
const upward = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer}`,
  comment: `src/${layer}/ may import only ${LAYERS.slice(0, index).join(', ') || 'nothing of src/'} (docs/architecture.md).`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(index + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'No module takes part in an import cycle (type imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'features-apart',
      comment: 'miners and analytics use neither each other nor maintenance; maintenance may use both.',
      severity: 'error',
      from: { path: '^src/features/(miners|analytics)/' },
      to: { path: '^src/features/(miners|analytics|maintenance)/', pathNot: '^src/features/$1/' },
    },
    {
      name: 'features-through-ports',
      comment: 'Feature code reaches the database through the ports the manager hands it, never the transport, platform or manager.',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: '^src/(transport|platform|manager)/' },
    },
    {
      name: 'no-engine-packages-above-adapters',
      comment: "Only the engine adapters import an engine's own package.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/engine/' },
      to: { path: 'node_modules/(@sqlite\\.org/sqlite-wasm|sql\\.js|@libsql/client)/' },
    },
    {
      name: 'entry-points-only-from-outside',
      comment: 'Nothing in src/ imports an entry point.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index(\\.node|\\.browser)\\.ts$' },
      to: { path: '^src/index(\\.node|\\.browser)?\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
