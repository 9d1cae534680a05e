CREATE TABLE `apply_journal` (
	`compartment_id` text PRIMARY KEY NOT NULL,
	`revision_id` integer NOT NULL,
	`phase` text NOT NULL,
	`previous_files` text NOT NULL,
	`units` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `compartments` (
	`id` text PRIMARY KEY NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`podman_version` text,
	`network` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `files` (
	`compartment_id` text NOT NULL,
	`path` text NOT NULL,
	`location` text NOT NULL,
	`content` text NOT NULL,
	`mode` integer NOT NULL,
	PRIMARY KEY(`compartment_id`, `path`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `probes` (
	`compartment_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`spec` text NOT NULL,
	PRIMARY KEY(`compartment_id`, `name`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registry_logins` (
	`compartment_id` text NOT NULL,
	`registry` text NOT NULL,
	`username` text NOT NULL,
	PRIMARY KEY(`compartment_id`, `registry`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`compartment_id` text NOT NULL,
	`number` integer NOT NULL,
	`state` text,
	`files` text NOT NULL,
	`diff` text NOT NULL,
	`actor` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`result` text NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `revisions_compartment_number` ON `revisions` (`compartment_id`,`number`);--> statement-breakpoint
CREATE TABLE `secrets` (
	`compartment_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	PRIMARY KEY(`compartment_id`, `name`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `units` (
	`compartment_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`format` text NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`compartment_id`, `name`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `volumes` (
	`compartment_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`options` text,
	PRIMARY KEY(`compartment_id`, `name`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
