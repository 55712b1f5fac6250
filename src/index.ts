/**
 * alphatrade-db: the SQLite-in-WebAssembly database layer of the Alpha Trade Exchange subnet.
 * Import it as `alphatrade-db`; Node and browsers get their own entry points.
 */
export { DatabaseManager, type DatabaseInfo } from './manager/database-manager.js';
export type {
  DatabaseOptions,
  StorageMode,
  ManagerEngine,
  EngineName,
  JournalMode,
  OpfsVfs,
  FileLocking,
  LibsqlConnectOptions,
} from './api/database-options.js';
export type { Migration } from './api/migration.js';
export type { Session, Row, QueryOptions, TxOptions, StatementOptions, IterateOptions } from './api/session.js';
export { DEFAULT_LIMITS, type DatabaseLimits } from './api/limits.js';
export type { SqlValue, Params, RunResult, QueryResult } from './api/values.js';
export { DatabaseError, isDatabaseError, type DatabaseErrorCode, type LibraryErrorCode, type DatabaseErrorOptions } from './api/database-error.js';
export { MinerManager, type MinerManagerOptions } from './features/miners/miner-manager.js';
export {
  QueryTracker,
  DEFAULT_SLOW_QUERY_MS,
  type QueryStats,
  type QueryTrackerOptions,
  type QueryTrackerSettings,
  type StatementSample,
  type TrackedKind,
} from './features/analytics/query-tracker.js';
export type { SlowQuery, PlanStatus } from './features/analytics/slow-query-log.js';
export type { CapturedPlan } from './features/analytics/plan-capture.js';
export {
  DatabaseAnalytics,
  type AnalyticsReport,
  type NormalizedStatement,
  type QueryPattern,
  type StatementDescription,
} from './features/analytics/database-analytics.js';
export type { StatementAccess, TableAccess, TableOperation } from './engine/statement-access.js';
export type { ParsedStatement, ParsedColumn, ParsedJoin, ParsedOperation } from './features/analytics/sql-parse.js';
export type { TableActivity, AccessSource } from './features/analytics/table-activity.js';
export {
  QuerySummaryHistory,
  QUERY_STATS_HISTORY_TABLE,
  type QuerySummary,
  type QuerySummaryFilter,
  type SummaryScheduleOptions,
} from './features/analytics/summary-history.js';
export type { IndexUsage, IndexUse, FullScan } from './features/analytics/index-usage.js';
export type { IndexSuggestion } from './features/analytics/index-suggestions.js';
export type { TableRelationships, RelationshipEdge } from './features/analytics/relationships.js';
export { DatabaseMaintenance } from './features/maintenance/database-maintenance.js';
export { MaintenanceScheduler } from './features/maintenance/scheduler.js';
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
} from './features/maintenance/types.js';
export { DEFAULT_PERFORMANCE_CONFIG, type PerformanceConfig, type PerformanceSnapshot } from './features/miners/performance.js';
export { isValidSs58, encodeSs58, decodeSs58, type Ss58Parts } from './features/miners/ss58.js';
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
} from './features/miners/types.js';
