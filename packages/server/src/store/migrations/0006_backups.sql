CREATE TABLE `backup_repos` (
	`compartment_id` text PRIMARY KEY NOT NULL,
	`location` text NOT NULL,
	`password` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
