/**
 * alphatrade-db: the SQLite-in-WebAssembly database layer of the Alpha Trade Exchange subnet.
 * Import it as `alphatrade-db`; Node and browsers get their own entry points.
 */
export { DatabaseManager, type DatabaseInfo } from './manager/database-manager.js';
export type { DatabaseOptions, StorageMode, ManagerEngine } from './manager/options.js';
export type { LibsqlConnectOptions } from './libsql/libsql-settings.js';
export type { JournalMode } from './storage/durable-open.js';
export type { OpfsVfs } from './storage/opfs/opfs-vfs-storage.js';
export type { Migration } from './manager/migrations.js';
export type { Session, Row, QueryOptions, TxOptions, StatementOptions, IterateOptions } from './connection/session.js';
export { DEFAULT_LIMITS, type DatabaseLimits } from './protocol/limits.js';
export type { SqlValue, Params, RunResult, QueryResult } from './engine/types.js';
export type { EngineName } from './engine/engine.js';
export {
  DatabaseError,
  isDatabaseError,
  type DatabaseErrorCode,
  type LibraryErrorCode,
  type DatabaseErrorOptions,
} from './errors/database-error.js';
export { MinerManager, type MinerManagerOptions } from './miners/miner-manager.js';
export {
  QueryTracker,
  DEFAULT_SLOW_QUERY_MS,
  type QueryStats,
  type QueryTrackerOptions,
  type QueryTrackerSettings,
  type StatementSample,
  type TrackedKind,
} from './analytics/query-tracker.js';
export type { SlowQuery, PlanStatus } from './analytics/slow-query-log.js';
export type { CapturedPlan } from './analytics/plan-capture.js';
export {
  DatabaseAnalytics,
  type AnalyticsReport,
  type NormalizedStatement,
  type QueryPattern,
  type StatementDescription,
} from './analytics/database-analytics.js';
export type { StatementAccess, TableAccess, TableOperation } from './engine/statement-access.js';
export type { ParsedStatement, ParsedColumn, ParsedJoin, ParsedOperation } from './analytics/sql-parse.js';
export type { TableActivity, AccessSource } from './analytics/table-activity.js';
export {
  QuerySummaryHistory,
  QUERY_STATS_HISTORY_TABLE,
  type QuerySummary,
  type QuerySummaryFilter,
  type SummaryScheduleOptions,
} from './analytics/summary-history.js';
export type { IndexUsage, IndexUse, FullScan } from './analytics/index-usage.js';
export type { IndexSuggestion } from './analytics/index-suggestions.js';
export type { TableRelationships, RelationshipEdge } from './analytics/relationships.js';
export { DatabaseMaintenance } from './maintenance/database-maintenance.js';
export { MaintenanceScheduler } from './maintenance/scheduler.js';
export type {
  ArchiveOptions,
  ArchiveProgress,
  ArchiveReport,
  BackupOptions,
  BackupProgress,
  BackupReport,
  CleanupOptions,
  CleanupReport,
  DatabaseSize,
  IntegrityOptions,
  IntegrityProblem,
  IntegrityProblemKind,
  IntegrityReport,
  OptimizeOptions,
  OptimizeReport,
  RecoveryOptions,
  RecoveryReport,
  RestoreReport,
  ScheduledRun,
  ScheduleOptions,
} from './maintenance/types.js';
export { DEFAULT_PERFORMANCE_CONFIG, type PerformanceConfig, type PerformanceSnapshot } from './miners/performance.js';
export { isValidSs58, encodeSs58, decodeSs58, type Ss58Parts } from './miners/ss58.js';
export type {
  Miner,
  MinerStatus,
  MinerKey,
  MinerFilter,
  Position,
  PositionStatus,
  PositionFilter,
  PositionTrade,
  PositionTradeFilter,
  Trade,
  TradeFilter,
  LedgerBatchEvent,
  LedgerEvent,
  LedgerOutcome,
  UnstakeResult,
  RegisterMinerInput,
  SnapshotFilter,
  StatusChange,
  StatusChangeOptions,
  Page,
  Timestamp,
} from './miners/types.js';
