CREATE TABLE `image_checks` (
	`compartment_id` text NOT NULL,
	`image` text NOT NULL,
	`units` text NOT NULL,
	`checked_at` text NOT NULL,
	`status` text NOT NULL,
	`remote_digest` text,
	`local_digests` text NOT NULL,
	`reason` text,
	PRIMARY KEY(`compartment_id`, `image`),
	FOREIGN KEY (`compartment_id`) REFERENCES `compartments`(`id`) ON UPDATE no action ON DELETE cascade
);
