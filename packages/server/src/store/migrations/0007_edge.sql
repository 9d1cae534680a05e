CREATE TABLE `routes` (
	`compartment_id` text NOT NULL,
	`host` text NOT NULL,
	`path` text NOT NULL,
	`target` text NOT NULL,
	`port` integer,
	PRIMARY KEY(`host`, `path`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `routes_compartment` ON `routes` (`compartment_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
