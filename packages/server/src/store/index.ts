// The store: quadletman's SQLite database and one repository per aggregate. No SQL outside store/.

import { AuditRepository } from './audit.js';
import { StatsQueries } from './audit-stats.js';
import { BackupRepository } from './backups.js';
import { CompartmentRepository } from './compartments.js';
import { type OpenOptions, openDatabase } from './db.js';
import { EdgeRepository } from './edge.js';
import { GrantRepository } from './grants.js';
import { ImageCheckRepository } from './image-checks.js';
import { ApplyJournalRepository } from './journal.js';
import { LinkRepository } from './links.js';
import { copyDatabase } from './migrate.js';
import { NotificationRepository } from './notifications.js';
import { RevisionRepository } from './revisions.js';
import { SessionRepository } from './sessions.js';
import { TemplateRepository } from './templates.js';
import { TokenRepository } from './tokens.js';
import { UserRepository } from './users.js';

export * from './audit.js';
export { StatsQueries } from './audit-stats.js';
export * from './backups.js';
export { type Compartment, CompartmentRepository, type RemovedAccess, type UnitRow } from './compartments.js';
export { DB_FILE, DEFAULT_DATA_DIR, type OpenOptions } from './db.js';
export * from './edge.js';
export * from './grants.js';
export { ImageCheckRepository, type ImageCheckRow } from './image-checks.js';
export { ApplyJournalRepository, type ApplyPhase, type JournalEntry } from './journal.js';
export * from './links.js';
export {
  type ChannelRow,
  DELIVERY_LOG_LIMIT,
  type DeliveryFilter,
  type DeliveryRow,
  type DeliveryStatus,
  NotificationRepository,
} from './notifications.js';
export {
  type NewRevision,
  type Revision,
  RevisionRepository,
  type RevisionResult,
  type RevisionSummary,
  type StoredFile,
} from './revisions.js';
export * from './sessions.js';
export * from './templates.js';
export * from './tokens.js';
export * from './users.js';

export interface StoreOptions extends OpenOptions {
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

export class Store {
  readonly compartments: CompartmentRepository;
  readonly revisions: RevisionRepository;
  readonly journal: ApplyJournalRepository;
  readonly users: UserRepository;
  readonly grants: GrantRepository;
  readonly sessions: SessionRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditRepository;
  readonly stats: StatsQueries;
  readonly imageChecks: ImageCheckRepository;
  readonly notifications: NotificationRepository;
  readonly templates: TemplateRepository;
  readonly backups: BackupRepository;
  readonly edge: EdgeRepository;
  readonly links: LinkRepository;
  /** The database file (or ':memory:'). */
  readonly path: string;

  private constructor(
    private readonly handle: ReturnType<typeof openDatabase>,
    now: () => Date,
  ) {
    this.path = handle.path;
    this.compartments = new CompartmentRepository(handle.db, handle.tx, now);
    this.revisions = new RevisionRepository(handle.db, handle.tx, now);
    this.journal = new ApplyJournalRepository(handle.db, handle.tx, now);
    this.users = new UserRepository(handle.db, handle.tx, now);
    this.grants = new GrantRepository(handle.db, handle.tx, now);
    this.sessions = new SessionRepository(handle.db);
    this.tokens = new TokenRepository(handle.db, handle.tx);
    this.audit = new AuditRepository(handle.db, handle.tx, now);
    this.stats = new StatsQueries(handle.sqlite);
    this.imageChecks = new ImageCheckRepository(handle.db, handle.tx);
    this.notifications = new NotificationRepository(handle.db, handle.tx, now);
    this.templates = new TemplateRepository(handle.db, now);
    this.backups = new BackupRepository(handle.db, now);
    this.edge = new EdgeRepository(handle.db, now);
    this.links = new LinkRepository(handle.db);
  }

  /**
   * A consistent copy of the whole database at `target` (a new file, readable by its owner only), made while it is
   * in use: SQLite's `VACUUM INTO` reads one snapshot of it.
   */
  copyTo(target: string): void {
    copyDatabase(this.handle.sqlite, target);
  }

  /** Opens the database (default /var/lib/quadletman/quadletman.db), applying pending migrations. */
  static open(options: StoreOptions = {}): Store {
    return new Store(openDatabase(options), options.now ?? (() => new Date()));
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction; repository calls inside it join it (as savepoints). Synchronous:
   * a better-sqlite3 transaction cannot span an await.
   */
  transaction<T>(fn: () => T): T {
    return this.handle.tx(fn);
  }

  close(): void {
    this.handle.sqlite.close();
  }
}

export const openStore = (options: StoreOptions = {}): Store => Store.open(options);
