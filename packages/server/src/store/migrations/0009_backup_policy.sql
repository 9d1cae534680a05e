CREATE TABLE `backup_policies` (
	`compartment_id` text PRIMARY KEY NOT NULL,
	`schedule` text NOT NULL,
	`mode` text NOT NULL,
	`keep` text,
	`schedule_since` text NOT NULL,
	`updated_at` text NOT NULL,
	`last_run` text,
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
