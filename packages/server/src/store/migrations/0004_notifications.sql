CREATE TABLE `notify_channels` (
	`name` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`scope` text NOT NULL,
	`events` text NOT NULL,
	`config` text NOT NULL,
	`secret` text,
	`enabled` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notify_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`event_kind` text NOT NULL,
	`compartment` text,
	`event` text NOT NULL,
	`attempts` integer NOT NULL,
	`status` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`next_attempt_at` text,
	FOREIGN KEY (`channel`) REFERENCES `notify_channels`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notify_deliveries_channel` ON `notify_deliveries` (`channel`,`created_at`);--> statement-breakpoint
CREATE INDEX `notify_deliveries_status` ON `notify_deliveries` (`status`);--> statement-breakpoint
-- A channel's scope is `*` or a compartment that exists, as for grants and tokens (0002_access_scope): a channel of
-- a deleted compartment goes with it, so that one made later under the same id inherits none.
CREATE TRIGGER `compartments_delete_notify_channels` AFTER DELETE ON `compartments` BEGIN DELETE FROM `notify_channels` WHERE `scope` = OLD.`id`; END;--> statement-breakpoint
CREATE TRIGGER `notify_channels_scope_insert` BEFORE INSERT ON `notify_channels` WHEN NEW.`scope` <> '*' AND NOT EXISTS (SELECT 1 FROM `compartments` WHERE `id` = NEW.`scope`) BEGIN SELECT RAISE(ABORT, 'a notification channel must name an existing compartment or *'); END;--> statement-breakpoint
CREATE TRIGGER `notify_channels_scope_update` BEFORE UPDATE OF `scope` ON `notify_channels` WHEN NEW.`scope` <> '*' AND NOT EXISTS (SELECT 1 FROM `compartments` WHERE `id` = NEW.`scope`) BEGIN SELECT RAISE(ABORT, 'a notification channel must name an existing compartment or *'); END;
