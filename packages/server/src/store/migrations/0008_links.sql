CREATE TABLE `provides` (
	`compartment_id` text NOT NULL,
	`service` text NOT NULL,
	`target` text NOT NULL,
	`port` integer,
	PRIMARY KEY(`compartment_id`, `service`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `uses` (
	`compartment_id` text NOT NULL,
	`provider` text NOT NULL,
	`service` text NOT NULL,
	`as` text NOT NULL,
	PRIMARY KEY(`compartment_id`, `as`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `uses_provider` ON `uses` (`provider`,`service`);--> statement-breakpoint
ALTER TABLE `routes` ADD `options` text;