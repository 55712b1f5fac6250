/** Opens an in-memory database on the engine argv[2] names through the bundled package, prints one row. */
import { DatabaseManager } from '../../dist/pkg/node/src/index.node.js';

const db = DatabaseManager.open(':memory:', { engine: process.argv[2] });
const row = await db.get('SELECT 1 AS one');
await db.close();
console.log(JSON.stringify(row));
