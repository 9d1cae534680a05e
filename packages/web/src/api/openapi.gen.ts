/**
 * The server's API as types: paths, methods, parameters, bodies and answers. Generated from the OpenAPI document
 * the server builds (scripts/api-types.ts); do not edit. Run `npm run api:types` after changing a route.
 */
export interface paths {
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with a local account or a host (PAM) account; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        username: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionInfo"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session (its cookie is cleared) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is logged in, their roles and the CSRF token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionInfo"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your own password (local accounts); every other session of yours ends */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        current: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionInfo"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether first-run setup is open (no administrator exists yet) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            required: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create the first administrator with the one-time setup token printed by `quadletman serve` */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        username: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionInfo"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users and their grants */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"][];
                    };
                };
            };
        };
        put?: never;
        /** Create a local account (with a password) or register a PAM user (for grants) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        username: string;
                        /**
                         * @default local
                         * @enum {string}
                         */
                        kind?: "local" | "pam";
                        password?: string;
                        /** @enum {string} */
                        role?: "viewer" | "operator" | "admin";
                        /** @description A compartment id, or `*` for every compartment */
                        compartment?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a user (its grants, sessions and tokens go with it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    username: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{username}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a local account's password (its sessions end) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    username: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Role grants */
        get: {
            parameters: {
                query?: {
                    /** @description A compartment id, or `*` for every compartment */
                    compartment?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            username: string;
                            compartment: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "admin";
                            createdAt: string;
                        }[];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{username}/grants/{compartment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Grant a role globally (`*`) or for one compartment (replaces the role held there) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    username: string;
                    /** @description A compartment id, or `*` for every compartment */
                    compartment: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "viewer" | "operator" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            username: string;
                            compartment: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "admin";
                            createdAt: string;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Revoke a grant */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    username: string;
                    /** @description A compartment id, or `*` for every compartment */
                    compartment: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API tokens (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiToken"][];
                    };
                };
            };
        };
        put?: never;
        /** Create an API token; the secret is in this answer only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description Its owner (default: you) */
                        username?: string;
                        /** @enum {string} */
                        role: "viewer" | "operator" | "admin";
                        /** @description A compartment id, or `*` for every compartment */
                        compartment?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            token: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    tokenId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, newest first */
        get: {
            parameters: {
                query?: {
                    actor?: string;
                    action?: string;
                    compartment?: string;
                    result?: "ok" | "failed" | "denied";
                    since?: string;
                    until?: string;
                    limit?: number;
                    /** @description Entries older than this id */
                    before?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            entries: components["schemas"]["AuditEntry"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the audit log's hash chain: no entry edited, removed or reordered
         * @description Reads every entry (as `quadletman audit verify`). Entries removed from the end leave a shorter chain that still verifies: compare `entries` with a copy kept elsewhere.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditChain"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List compartments with how many of their units are in each state
         * @description Unit states are read from systemd at most every 2 s per compartment (statusAt says when); live changes come through the event stream.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            compartments: components["schemas"]["CompartmentSummary"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiError"];
                    };
                };
            };
        };
        put?: never;
        /** Create a compartment (its Linux user, subuid/subgid range, linger and Podman storage) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        id: string;
                        description?: string;
                        podmanVersion?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Compartment"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One compartment: its units with their state, and its latest revisions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CompartmentDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a compartment: stop and remove its units, its user, subids and storage
         * @description Its managed host volumes are kept unless `volumes=true`.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description Also remove its managed host volumes (kept by default). */
                    volumes?: boolean | ("0" | "1" | "true" | "false");
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: string;
                            volumes: boolean;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/spec": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The desired state, as a spec (JSON) and as YAML */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SpecDocument"];
                    };
                };
            };
        };
        /**
         * Replace the desired state with a spec (JSON object or YAML text) and apply it
         * @description The same as POST …/apply with a spec: the store keeps the new state only when the host matches it. Accepts `application/yaml` bodies. `Accept: text/event-stream` streams progress.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The spec as a JSON object. */
                        spec?: {
                            [key: string]: unknown;
                        };
                        /** @description The spec as YAML or JSON text. */
                        text?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What applying the stored desired state would change on the host */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PlanResult"];
                    };
                };
            };
        };
        put?: never;
        /** What applying this spec would change on the host (nothing is changed) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The spec as a JSON object. */
                        spec?: {
                            [key: string]: unknown;
                        };
                        /** @description The spec as YAML or JSON text. */
                        text?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PlanResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/apply": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply a spec (or the stored desired state again): plan, validate, write, start, verify
         * @description Answers 200 with the result whatever its outcome (applied, noop, refused, rolled-back, failed). `Accept: text/event-stream` streams `progress` events, then a `result` event. Accepts `application/yaml` bodies. With `wait: false`, answers 409 when another apply runs.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description The spec to apply (as an object or YAML/JSON text); neither: apply the stored desired state again. Its compartment must be the one in the path. */
            requestBody: {
                content: {
                    "application/json": {
                        spec?: {
                            [key: string]: unknown;
                        };
                        text?: string;
                        /** @description Wait for a running apply (default) or answer 409 at once. */
                        wait?: boolean;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The revisions of a compartment, newest first: who applied what, when, and the result */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    offset?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            revisions: components["schemas"]["RevisionSummary"][];
                            /** @description The revision live now: the last one applied (a failed, refused or rolled-back apply after it left it running); null before the first. */
                            live: number | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/revisions/{number}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One revision: its spec, every file it rendered and its diff against what was on disk */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    number: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RevisionDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/revisions/{number}/rollback-plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What rolling back to this revision would change on the host (nothing is changed)
         * @description The plan of the revision's desired state against the files on the host now: the files added, changed and removed, the units started, restarted and stopped — what `POST …/rollback` applies.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    number: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PlanResult"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/upgradable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The units whose image comes from a registry (what an upgrade can move), with pins and update modes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            units: {
                                unit: string;
                                image: string;
                                pin?: string;
                                /** @enum {string} */
                                updates: "notify" | "apply";
                                raw: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/upgrade": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upgrade units to newer images: pull, restart, health gate (healthy for the settle window), automatic roll back to the exact previous image */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        units?: string[];
                        to?: string;
                        backup?: boolean;
                        wait?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Return to an earlier revision's desired state (applied as a new revision) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        revision: number;
                        wait?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The compartment's systemd units (services of its Quadlet files, its timers) and their state
         * @description States are read from systemd now (not from the dashboard cache).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            units: components["schemas"]["UnitInfo"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/dependencies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The dependencies between the compartment's units and the order systemd starts them in
         * @description From the files its desired state renders: [Unit] Requires/Requisite/Wants/BindsTo/PartOf/After/Before, the dependencies Quadlet's generator adds (Image=, Network=, Volume=, Mount=, Pod=), [Install] WantedBy of the compartment's target and timers. Edges after a Notify=healthy container are health gates; references to Quadlet files the compartment lacks are `missing`, ordering cycles are listed in `cycles`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UnitGraph"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/units/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start, stop or restart units of the compartment (all of them when none are named)
         * @description Answers with the state of the units acted on.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    action: "start" | "stop" | "restart";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Units or their files (web.service, web.container, web); none or empty: all. */
                        units?: string[];
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            units: components["schemas"]["UnitInfo"][];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Volumes: declared ones and those on the host, with path, owner and size */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            volumes: components["schemas"]["Volume"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/volumes/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Declare a volume in the desired state (or change it) and apply it
         * @description kind host: a managed folder on the machine; kind podman: a `<name>.volume` unit with the given [Volume] options. Answers with the apply result; the store keeps the change only when the apply succeeded. Existing data is used as it is.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description host: a managed folder on the machine; podman: a Podman volume (a `<name>.volume` unit).
                         * @enum {string}
                         */
                        kind: "host" | "podman";
                        /** @description The [Volume] keys of a Podman volume; a host volume has none. */
                        options?: {
                            /** @description Driver= (e.g. local, image). */
                            driver?: string;
                            /** @description Device= (the local driver mounts it). */
                            device?: string;
                            /** @description Type= (the file system type of Device=). */
                            type?: string;
                            /** @description Options= (mount options of Device=). */
                            options?: string;
                            /** @description User= (owner of the volume, in the container). */
                            user?: string;
                            /** @description Group= (its group, in the container). */
                            group?: string;
                            /** @description Copy= (copy the image content at the mount point). */
                            copy?: boolean;
                            /** @description Label= (the volume labels). */
                            label?: {
                                [key: string]: string;
                            };
                        };
                        /** @description A host volume's owner: the id inside the container (its helper user qm-<id>-<uid> owns the folder, mode 0770); 0 or unset: the compartment user. */
                        owner?: number;
                        wait?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        post?: never;
        /** Delete a volume and its data (refused while the desired state declares it) */
        delete: {
            parameters: {
                query?: {
                    /** @description Which volume, when both kinds have the name. */
                    kind?: "host" | "podman";
                };
                header?: never;
                path: {
                    id: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Volume"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/volumes/{name}/declaration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Take a volume out of the desired state and apply it (its data stays)
         * @description The host folder or Podman volume stays and is listed as undeclared; deleting it is DELETE …/volumes/:name.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Secret names: declared in the desired state and present in Podman (never values) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secrets: components["schemas"]["Secret"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a secret (or replace one with replace: true); the value is never returned */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description The value; written to Podman on stdin, never logged, never returned. */
                        value: string;
                        replace?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            replaced: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a secret */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/registries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Registry logins the desired state declares (registry and user name) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            registries: components["schemas"]["RegistryLogin"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Log the compartment in to a registry (its own authfile); the password is never returned */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        registry: string;
                        username: string & (string);
                        /** @description Given to `podman login` on stdin; never logged, never returned. */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            registries: components["schemas"]["RegistryLogin"][];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/registries/{registry}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Log the compartment out of a registry (URL-encode a registry with / in it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    registry: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            registries: components["schemas"]["RegistryLogin"][];
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Config files of the desired state (path, folder, mode, size) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            files: components["schemas"]["ConfigFileSummary"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/files/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One config file with its content */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description The file path, relative to its folder. */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConfigFile"];
                    };
                };
            };
        };
        /**
         * Write a config file into the desired state and apply it
         * @description Answers with the apply result; the store keeps the file only when the apply succeeded.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description The file path, relative to its folder. */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        content: string;
                        /** @description Default: the current mode, else 0644. */
                        mode?: number;
                        /** @enum {string} */
                        in?: "files" | "quadlet";
                        wait?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        post?: never;
        /** Remove a config file from the desired state and apply it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description The file path, relative to its folder. */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApplyResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Images: tags, digest, size, created, the units that use each, and what units need that is missing */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImageList"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/images/prune": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove the images no unit of the desired state and no container uses
         * @description An image is kept when a unit (or a drop-in) names it, a container (running or stopped) uses it, or it is the parent of a kept image. One that Podman refuses is listed in `failed`; the others are removed. Refused (409) while an apply of the compartment runs.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Only say what would be removed. */
                        dryRun?: boolean;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PruneImagesResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/updates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last update check of each of the compartment's images (none before the first) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checks: components["schemas"]["ImageCheck"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/updates/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the compartment's images for updates now (a manifest HEAD each; nothing is pulled) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checks: components["schemas"]["ImageCheck"][];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notification channels (no secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels: components["schemas"]["NotifyChannel"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a notification channel: a webhook, an ntfy topic or e-mail through sendmail
         * @description A webhook is POSTed the event as JSON, signed: `X-Quadletman-Signature: sha256=<hex HMAC-SHA256 of "<X-Quadletman-Timestamp>.<body>" keyed by the secret>`. The secret and an ntfy token are never shown again.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /**
                         * @description A compartment id, or `*` for every compartment
                         * @default *
                         */
                        scope?: string;
                        /** @default all */
                        events?: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
                        /** @default true */
                        enabled?: boolean;
                        /** @enum {string} */
                        kind: "webhook";
                        url: string;
                        secret: string;
                    } | {
                        name: string;
                        /**
                         * @description A compartment id, or `*` for every compartment
                         * @default *
                         */
                        scope?: string;
                        /** @default all */
                        events?: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
                        /** @default true */
                        enabled?: boolean;
                        /** @enum {string} */
                        kind: "ntfy";
                        url: string;
                        token?: string;
                        priority?: number;
                        tags?: string[];
                    } | {
                        name: string;
                        /**
                         * @description A compartment id, or `*` for every compartment
                         * @default *
                         */
                        scope?: string;
                        /** @default all */
                        events?: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
                        /** @default true */
                        enabled?: boolean;
                        /** @enum {string} */
                        kind: "email";
                        to: string[];
                        from: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NotifyChannel"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a channel and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a channel's settings, enable or disable it, replace its secret */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A compartment id, or `*` for every compartment */
                        scope?: string;
                        events?: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
                        enabled?: boolean;
                        url?: string;
                        secret?: string;
                        token?: string | null;
                        priority?: number | null;
                        tags?: string[];
                        to?: string[];
                        from?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NotifyChannel"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/notifications/channels/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event to the channel and wait for the first attempt
         * @description Sent even when the channel is disabled. A retry, if the first attempt asks for one, goes on later.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NotifyTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log, newest first (the newest 500 per channel are kept) */
        get: {
            parameters: {
                query?: {
                    channel?: string;
                    status?: "pending" | "delivered" | "failed";
                    compartment?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveries: components["schemas"]["NotifyDelivery"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/doctor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Check this machine for what rootless Podman and Quadlet need */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DoctorReport"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/system/self-backup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** quadletman's own backups: the repository, snapshots, the last run and the daily timer */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SelfBackupStatus"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/system/self-backup/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Back quadletman's own state up now (in the background; the status says when it ends) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            started: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/adopt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Adopt a folder of Quadlet files on the host into a compartment (verbatim units)
         * @description The folder is only read: its user's units keep running (sourceAdvice says how to stop them). Without `apply`: validate, lint and plan only.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A folder of Quadlet files on the host, e.g. /home/alice/.config/containers/systemd. */
                        dir: string;
                        /** @description Apply it (default: only validate, lint and plan). */
                        apply?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AdoptResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the compartment as a .quadlets bundle (its rendered Quadlet units and more) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExportResult"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a .quadlets bundle into a new (or empty) compartment
         * @description Without `apply`: validate, lint and plan only. Accepts up to 16 MiB.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A .quadlets bundle (as `GET …/export` answers it). */
                        text: string;
                        /** @description Where it came from, for messages (a file name). */
                        source?: string;
                        /** @description Apply it (default: only validate, lint and plan). */
                        apply?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Saved templates */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            templates: components["schemas"]["TemplateInfo"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Keep a template given as YAML or JSON */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A template as YAML or JSON. */
                        text: string;
                        replace?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateInfo"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A template, with its YAML */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a template */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/template": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Save the compartment as a template (its whole desired state) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string;
                        /** @description Values of the compartment to make parameters: each occurrence becomes a parameter of that name, its default the value. */
                        parameters?: {
                            [key: string]: string;
                        };
                        replace?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateInfo"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{name}/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a compartment from a template
         * @description Without `apply`: check the values, lint and plan only. Generated secrets are returned once, by the call that made them.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        compartment: string;
                        /** @description A value per parameter; those left out take their default or are generated. */
                        values?: {
                            [key: string]: string;
                        };
                        /** @description Create and apply (default: only check, lint and plan). */
                        apply?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreateFromTemplateResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/origin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the compartment was made from (a template or a catalog app), if anything */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            origin: components["schemas"]["InstalledApp"] | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The app catalog */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apps: components["schemas"]["CatalogApp"][];
                            /** @description Entries that cannot be used, and why. */
                            problems: {
                                [key: string]: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A catalog app, with its README */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CatalogAppDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/{name}/install": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Install a catalog app as a compartment (or upgrade one installed from it)
         * @description Without `apply`: check the values, lint and plan only. Generated secrets are returned once, by the call that made them. With `upgrade`, the compartment must have been installed from this app; the values it was installed with are kept unless given.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        compartment: string;
                        /** @description A value per parameter; those left out take their default or are generated. */
                        values?: {
                            [key: string]: string;
                        };
                        /** @description Create and apply (default: only check, lint and plan). */
                        apply?: boolean;
                        /** @description Apply this version to a compartment made from the same app (its values kept unless given). */
                        upgrade?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreateFromTemplateResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The compartment's backup repository and snapshots */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupList"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Back the compartment up now (restic)
         * @description Its volumes and Quadlet folder. `stop` mode stops its running containers for the snapshot and starts them again (`downtimeMs`). The backup that makes the repository answers its password, this once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description stop (default): the units are stopped for the snapshot; live: nothing stops (crash-consistent); hook: the spec's backup hook runs in its container first (a database dump), then a live snapshot.
                         * @enum {string}
                         */
                        mode?: "stop" | "live" | "hook";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The backup or restore of the compartment under way, and how far it is
         * @description Scheduled ones and the ones started elsewhere too. restic's status comes about once a second; poll this while `progress` is not null.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupProgress"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/repository": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the compartment's repository is; for SFTP, its public key and the host's keys */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupRepository"];
                    };
                };
            };
        };
        /**
         * Set where the compartment's repository is: a folder or SFTP
         * @description SFTP: the compartment's SSH key is made and the remote host's keys recorded (trust on first use: check the fingerprints answered); the remote user must accept `publicKey` before the first backup. A new password is answered, this once. A compartment with a repository keeps it unless `replace` (409).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH. */
                        location: string;
                        /** @description REST: the server's user and password; S3: the access key id and secret access key (required). Kept only in files of the compartment's own (mode 0600), never answered. */
                        credentials?: {
                            user: string;
                            secret: string;
                        };
                        /** @description Replace the repository the compartment has (its snapshots stay where they are). */
                        replace?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupRepositorySet"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a snapshot's volumes into the compartment, or into another one
         * @description The snapshot is restored into a staging folder first; the volumes are swapped with the units stopped. With `into`, into that compartment's volumes of the same names (the caller must be its admin too).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        snapshot: string;
                        /** @description Another existing compartment to restore into (its volumes of the same names); the caller must be its admin too. Absent: the snapshot's own compartment. */
                        into?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RestoreResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/{snapshot}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The entries of a folder in a snapshot
         * @description `path` `/` (the default) answers the folders the snapshot holds; another path must lie inside one of them. At most 2000 entries (`truncated`).
         */
        get: {
            parameters: {
                query?: {
                    /** @description `/` (the default): the folders the snapshot holds. */
                    path?: string;
                };
                header?: never;
                path: {
                    id: string;
                    snapshot: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SnapshotFolder"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/restore-file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore one file or folder of a snapshot over the live one
         * @description Restored into a staging folder, then put in place with the units left running; the version it replaces is kept beside it as `<name>.before-restore-<time>` (`previous`). The path must be inside one of the snapshot's volumes that the compartment still declares.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        snapshot: string;
                        /** @description An absolute, normalized path in the snapshot (no `.` or `..` parts), inside the folders it holds. */
                        path: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RestoreFileResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** restic check of the repository */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ok: boolean;
                            output: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The compartment's backup policy, its next and last scheduled run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupPolicyView"];
                    };
                };
            };
        };
        /**
         * Change the compartment's backup policy
         * @description The fields given replace the current ones. A refused policy answers 400 `invalid` with `details.issues: [{path, message}]`, path one of `schedule`, `mode`, `keep`, `keep.last` … `keep.monthly`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        schedule?: string;
                        /** @description stop or live */
                        mode?: string;
                        /** @description Fields not given are 0; at least one above 0. null: no retention. */
                        keep?: {
                            /** @description A whole number 0 … 1000. */
                            last?: number;
                            /** @description A whole number 0 … 1000. */
                            daily?: number;
                            /** @description A whole number 0 … 1000. */
                            weekly?: number;
                            /** @description A whole number 0 … 1000. */
                            monthly?: number;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackupPolicyView"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/backups/prune": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply the policy's retention now (restic forget --prune)
         * @description The compartment's snapshots the retention does not keep are forgotten and their data pruned.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PruneResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The edge (Caddy): whether it runs the store's configuration, and each route's answer */
        get: {
            parameters: {
                query?: {
                    compartment?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EdgeStatus"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge/ca.crt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The internal CA's root certificate (PEM), to add to browsers' trust */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change the edge's ports or TLS, and load its configuration again */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        httpPort?: number;
                        httpsPort?: number;
                        tls?: components["schemas"]["EdgeTlsInput"];
                        /** @description The UI's own route; null removes it. */
                        self?: {
                            /** @description The UI host name (e.g. qm.example.org). */
                            host: string;
                            /** @description The loopback port the UI listens on. */
                            port: number;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EdgeSettings"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Load the configuration into Caddy now when it runs another one */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            outcome: "loaded" | "in-sync" | "busy" | "unreachable";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge/certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a certificate and its key, served for the route hosts it names instead of one Caddy gets */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description PEM: the certificate, then its chain. */
                        certificate: string;
                        /** @description PEM: its private key (unencrypted). */
                        key: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EdgeCertificate"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/edge/certificates/{fingerprint}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an uploaded certificate (its hosts get certificates from Caddy again) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    fingerprint: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiError"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connections between compartments: provided services, who uses them, and whether they are guarded */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connections"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: container and unit state changes (all viewable compartments, or one) */
        get: {
            parameters: {
                query?: {
                    compartment?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: a compartment's journal (one unit or all), optionally followed */
        get: {
            parameters: {
                query?: {
                    unit?: string;
                    units?: string;
                    since?: string;
                    lines?: number;
                    follow?: "0" | "1" | "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Resource use of a compartment's running containers (CPU; memory and pids where cgroups allow) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            compartment: string;
                            at: string;
                            memoryAvailable: boolean;
                            containers: {
                                name: string;
                                id: string;
                                cpuPercent: number;
                                cpuNanos: number;
                                memoryBytes: number | null;
                                memoryLimitBytes: number | null;
                                memoryPercent: number | null;
                                pids: number | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/compartments/{id}/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The podman command lines Podman's Quadlet generator makes of a unit */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        unit: string;
                        files: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            unit: string;
                            ok: boolean;
                            reason: string | null;
                            service: string | null;
                            commands: {
                                key: string;
                                value: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/convert/compose": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Convert a compose project into a compartment spec, with a report of every key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        files: {
                            name: string;
                            text: string;
                        }[];
                        compose?: string[];
                        project?: string;
                        env?: {
                            [key: string]: string;
                        };
                        profiles?: string[];
                        podmanVersion?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConvertCompose"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/convert/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Convert podman run commands into a compartment spec, with a report of every option */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        command: string;
                        compartment?: string;
                        podmanVersion?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConvertCompose"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiErrorInput: {
            error: {
                /** @description A stable code (see ErrorCode); never a number. */
                code: string;
                message: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        UnitInfoInput: {
            /** @description The systemd unit (`web.service`, `backup.timer`). */
            unit: string;
            /** @description The file it comes from (`web.container`). */
            source: string;
            status?: {
                unit: string;
                /** @enum {string} */
                activeState: "active" | "activating" | "inactive" | "failed" | "deactivating" | "reloading" | "maintenance" | "unknown";
                subState: string;
                result: string;
            };
            /** @description A failed unit's reason: systemd's summary, then the lines of its journal that say why (Podman's and the program's), joined by ' | '. */
            failure?: string;
        };
        CompartmentInput: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
        };
        CompartmentSummaryInput: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
            units: number;
            /** @description Every unit (containers, pods, networks, volumes, images, builds, timers…) by ActiveState. */
            unitStates: {
                [key: string]: number;
            };
            /** @description The units of `.container` files by state word (running, failed, stopped…; see @quadletman/quadlet unit-state). */
            containerStates: {
                [key: string]: number;
            };
            /** @description Every other unit (pods, kube, networks, volumes, images, builds, plain systemd units) by state word: a oneshot unit that ran is `done` (active/exited), not running; a failure of any of them is `failed`. */
            otherStates: {
                [key: string]: number;
            };
            statusAt: string | null;
            updates: number;
            backupFailed: {
                at: string;
                error: string;
            } | null;
        };
        RevisionSummaryInput: {
            number: number;
            actor: string;
            startedAt: string;
            finishedAt: string | null;
            /** @enum {string} */
            result: "pending" | "applied" | "failed" | "rolled-back" | "refused";
            message: string;
        };
        CompartmentDetailInput: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
            units: components["schemas"]["UnitInfoInput"][];
            history: components["schemas"]["RevisionSummaryInput"][];
            lintPodmanVersion?: string | null;
        };
        SpecDocumentInput: {
            /** @description The desired state in spec form (JSON). */
            spec: {
                [key: string]: unknown;
            };
            /** @description The same spec as YAML. */
            yaml: string;
        };
        PlanInput: {
            changes: {
                path: string;
                /** @enum {string} */
                kind: "added" | "changed" | "removed";
                diff: string;
                mode?: {
                    before: number | null;
                    after: number | null;
                };
            }[];
            unchanged: string[];
            units: {
                start: string[];
                restart: string[];
                stop: string[];
            };
            reload: boolean;
            noop: boolean;
            /** @description Routes through the edge the apply adds and removes: host/path → unit:port (loopback). */
            routes?: {
                add: string[];
                remove: string[];
            };
            /** @description Connections between compartments the apply adds and removes: service → unit:port (loopback), AS ← compartment/service. */
            links?: {
                add: string[];
                remove: string[];
            };
        };
        PlanResultInput: {
            plan: components["schemas"]["PlanInput"];
            diagnostics: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            podmanVersion?: string | null;
        };
        ApplyResultInput: {
            /** @enum {string} */
            outcome: "applied" | "noop" | "refused" | "rolled-back" | "failed";
            revision: number | null;
            message: string;
            plan: components["schemas"]["PlanInput"];
            diagnostics: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            podmanVersion?: string | null;
            dryRun: {
                file: string;
                ok: boolean;
                reason?: string;
            }[];
            units: {
                unit: string;
                /** @enum {string} */
                activeState: "active" | "activating" | "inactive" | "failed" | "deactivating" | "reloading" | "maintenance" | "unknown";
                subState: string;
                result: string;
            }[];
            images?: {
                unit: string;
                image: string;
                previousImage?: string;
                before?: {
                    id: string;
                    digest: string;
                };
                after?: {
                    id: string;
                    digest: string;
                };
            }[];
            failedAt?: string;
            restoredAt?: string;
            backup?: {
                snapshot: string;
                mode: string;
            };
        };
        ApplyProgressInput: {
            /** @enum {string} */
            step: "plan" | "validate" | "pull" | "write" | "reload" | "start" | "verify" | "rollback" | "done";
            /** @enum {string} */
            status: "running" | "ok" | "failed" | "skipped";
            message: string;
        };
        RevisionDetailInput: {
            number: number;
            actor: string;
            startedAt: string;
            finishedAt: string | null;
            /** @enum {string} */
            result: "pending" | "applied" | "failed" | "rolled-back" | "refused";
            message: string;
            spec: {
                [key: string]: unknown;
            } | null;
            files: {
                [key: string]: {
                    text: string;
                    mode: number;
                };
            };
            diff: string;
        };
        UnitGraphNodeInput: {
            /** @description The file name (`web.container`); an instance of a template: `web@blue.container`. */
            id: string;
            /** @description Home-relative path of its file (an instance: its template's). */
            path: string;
            /** @enum {string} */
            kind: "container" | "pod" | "network" | "volume" | "image" | "build" | "kube" | "artifact" | "timer" | "socket" | "service" | "target";
            /** @description The systemd unit: the generated service (`web.service`), or the timer/target. */
            unit: string;
            /**
             * @description A template: started only through its instances.
             * @enum {boolean}
             */
            template?: true;
            instanceOf?: string;
            /**
             * @description A container with Notify=healthy: units after it wait until its health check passes.
             * @enum {boolean}
             */
            notifyHealthy?: true;
        };
        UnitGraphEdgeInput: {
            /** @description The unit that depends (a node id). */
            from: string;
            /** @description What it depends on: a node id, or the name as written when missing or external. */
            to: string;
            /** @enum {string} */
            kind: "requires" | "wants" | "after" | "before" | "binds" | "partOf" | "network" | "volume" | "image" | "build" | "artifact" | "pod" | "triggers";
            /** @description The key it comes from (`Requires`, `Network`, `Mount`, `WantedBy`…). */
            key: string;
            /**
             * @description `after`: `from` starts after `to`; `before`: before it; null: no ordering.
             * @enum {string|null}
             */
            order: "after" | "before" | null;
            /** @description The later unit waits until the earlier (Notify=healthy) is healthy. */
            healthGate: boolean;
            /**
             * @description A Quadlet file the compartment does not have.
             * @enum {boolean}
             */
            missing?: true;
            /**
             * @description A unit outside the compartment's files.
             * @enum {boolean}
             */
            external?: true;
        };
        UnitGraphInput: {
            nodes: components["schemas"]["UnitGraphNodeInput"][];
            edges: components["schemas"]["UnitGraphEdgeInput"][];
            /** @description Node ids in start order (templates left out). */
            order: string[];
            /** @description The start order by depth. */
            layers: string[][];
            /** @description Units that order each other in a circle. */
            cycles: string[][];
            /** @description References to Quadlet files the compartment does not have. */
            missing: {
                from: string;
                to: string;
                key: string;
            }[];
        };
        VolumeInput: {
            name: string;
            /** @enum {string} */
            kind: "host" | "podman";
            path: string | null;
            owner: string | null;
            sizeBytes: number | null;
            declared: boolean;
            exists: boolean;
            declaredAs: string | null;
            mountSource: string;
        };
        SecretInput: {
            name: string;
            declared: boolean;
            exists: boolean;
            description?: string;
        };
        RegistryLoginInput: {
            registry: string;
            username: string;
            declared: boolean;
            loggedIn: boolean | null;
        };
        ConfigFileSummaryInput: {
            path: string;
            /** @enum {string} */
            in: "files" | "quadlet";
            mode: number;
            size: number;
        };
        ConfigFileInput: {
            path: string;
            /** @enum {string} */
            in: "files" | "quadlet";
            mode: number;
            size: number;
            content: string;
        };
        ImageInput: {
            id: string;
            repository: string | null;
            tags: string[];
            names: string[];
            digest: string | null;
            /** @description Bytes, as `podman images` counts them (shared layers included). */
            size: number;
            /** @description ISO 8601; null when Podman does not know it. */
            created: string | null;
            /** @description The unit files of the desired state that use it. */
            usedBy: string[];
            unused: boolean;
            /** @description Containers (running or stopped) that use it. */
            containers: number;
            dangling: boolean;
        };
        ImageListInput: {
            images: components["schemas"]["ImageInput"][];
            /** @description Images units need that the compartment does not have. */
            missing: {
                unit: string;
                image: string;
            }[];
        };
        PruneImagesResultInput: {
            dryRun: boolean;
            /** @description The images removed (with dryRun: those that would be). */
            removed: components["schemas"]["ImageInput"][];
            failed: {
                image: components["schemas"]["ImageInput"];
                error: string;
            }[];
            /** @description The size of the images removed. */
            bytes: number;
        };
        DoctorReportInput: {
            ok: boolean;
            summary: {
                ok: number;
                warn: number;
                fail: number;
            };
            checks: {
                id: string;
                /** @enum {string} */
                status: "ok" | "warn" | "fail";
                message: string;
                fix?: string;
                details?: {
                    [key: string]: unknown;
                };
            }[];
        };
        AuditChainInput: {
            /** @enum {boolean} */
            ok: true;
            /** @description Entries checked. */
            entries: number;
        } | {
            /** @enum {boolean} */
            ok: false;
            /** @description Entries that verify, before the broken one. */
            entries: number;
            /** @description The first entry edited, removed or reordered. */
            brokenId: number;
            reason: string;
        };
        AdoptResultInput: {
            compartment: string;
            created: boolean;
            /** @description The desired state it would apply, in spec form. */
            spec: {
                [key: string]: unknown;
            };
            units: string[];
            files: string[];
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            warnings: string[];
            plan?: components["schemas"]["PlanInput"];
            apply?: components["schemas"]["ApplyResultInput"];
            source: {
                dir: string;
                owner: {
                    uid: number;
                    name?: string;
                };
            };
            sourceServices: string[];
            sourceAdvice: string;
        };
        ImportResultInput: {
            compartment: string;
            created: boolean;
            /** @description The desired state it would apply, in spec form. */
            spec: {
                [key: string]: unknown;
            };
            units: string[];
            files: string[];
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            warnings: string[];
            plan?: components["schemas"]["PlanInput"];
            apply?: components["schemas"]["ApplyResultInput"];
            diagnostics: {
                /** @enum {string} */
                severity: "error" | "warning" | "info";
                code: string;
                message: string;
                line: number;
                key?: string;
            }[];
            from: string | null;
        };
        ExportResultInput: {
            compartment: string;
            /** @description The .quadlets bundle. */
            text: string;
            units: string[];
            extension: {
                files: string[];
                timers: string[];
                volumes: string[];
                probes: string[];
            };
            warnings: string[];
        };
        ConvertComposeInput: {
            compartment: string;
            yaml: string;
            report: {
                path: string;
                /** @enum {string} */
                disposition: "mapped" | "podman-args" | "dropped" | "needs-input";
                note: string;
            }[];
            podmanVersion: string | null;
        };
        ImageCheckInput: {
            image: string;
            units: string[];
            checkedAt: string;
            /** @enum {string} */
            status: "up-to-date" | "update-available" | "unknown";
            remoteDigest: string | null;
            localDigests: string[];
            reason: string | null;
        };
        NotifyChannelInput: {
            name: string;
            /** @enum {string} */
            kind: "webhook" | "ntfy" | "email";
            /** @description A compartment id, or `*` for every compartment */
            scope: string;
            events: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
            enabled: boolean;
            config: {
                url?: string;
                priority?: number;
                tags?: string[];
                to?: string[];
                from?: string;
            };
            secretSet: boolean;
            createdAt: string;
            updatedAt: string;
        };
        NotifyDeliveryInput: {
            id: string;
            channel: string;
            eventKind: string;
            compartment: string | null;
            title: string;
            attempts: number;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            lastError: string | null;
            createdAt: string;
            updatedAt: string;
            nextAttemptAt: string | null;
        };
        NotifyTestResultInput: {
            delivery: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            error: string | null;
        };
        TemplateParameterInput: {
            name: string;
            description?: string;
            default?: string;
            /** @description A value must match it whole. */
            pattern?: string;
            /**
             * @description Made at random when no value is given.
             * @enum {string}
             */
            generate?: "password" | "token";
            /** @description The value also becomes this Podman secret. */
            secret?: string;
        };
        TemplateInfoInput: {
            name: string;
            description: string;
            version: string | null;
            parameters: components["schemas"]["TemplateParameterInput"][];
            units: string[];
            createdBy: string;
            /** @description The compartment it was saved from (null: imported). */
            source: string | null;
            createdAt: string;
            updatedAt: string;
        };
        TemplateDetailInput: {
            name: string;
            description: string;
            version: string | null;
            parameters: components["schemas"]["TemplateParameterInput"][];
            units: string[];
            createdBy: string;
            /** @description The compartment it was saved from (null: imported). */
            source: string | null;
            createdAt: string;
            updatedAt: string;
            /** @description The template as YAML (`template import` reads it back). */
            yaml: string;
        };
        CreateFromTemplateResultInput: {
            compartment: string;
            created: boolean;
            spec: {
                [key: string]: unknown;
            };
            values: {
                name: string;
                /** @description A secret's value only when this call made the secret (shown once). */
                value: string;
                /** @enum {string} */
                source: "given" | "default" | "generated";
                secret?: string;
            }[];
            secrets: {
                made: string[];
                kept: string[];
            };
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            plan?: components["schemas"]["PlanInput"];
            apply?: components["schemas"]["ApplyResultInput"];
        };
        InstalledAppInput: {
            /** @enum {string} */
            origin: "catalog" | "template";
            name: string;
            version: string | null;
            values: {
                [key: string]: string;
            };
            installedAt: string;
            updatedAt: string;
        };
        CatalogAppInput: {
            name: string;
            title: string;
            version: string;
            category: string;
            description: string;
            parameters: components["schemas"]["TemplateParameterInput"][];
            units: string[];
            backup: {
                [key: string]: "files" | "stop" | "skip";
            };
            requires: string[];
            installed: {
                compartment: string;
                version: string | null;
            }[];
        };
        CatalogAppDetailInput: {
            name: string;
            title: string;
            version: string;
            category: string;
            description: string;
            parameters: components["schemas"]["TemplateParameterInput"][];
            units: string[];
            backup: {
                [key: string]: "files" | "stop" | "skip";
            };
            requires: string[];
            installed: {
                compartment: string;
                version: string | null;
            }[];
            /** @description The app's README (Markdown). */
            readme: string;
            /** @description The entry as a template (YAML). */
            yaml: string;
        };
        BackupSnapshotInput: {
            id: string;
            shortId: string;
            time: string;
            paths: string[];
            tags: string[];
            /** @description Bytes the snapshot holds (restic's summary; null: restic kept none). */
            size?: number | null;
            /** @description Bytes this snapshot added to the repository. */
            added?: number | null;
            /** @description How long the backup took, in seconds. */
            durationS?: number | null;
        };
        BackupListInput: {
            /** @description null: none yet (the first backup makes it). */
            repository: {
                location: string;
            } | null;
            snapshots: components["schemas"]["BackupSnapshotInput"][];
        };
        /** @description null: no repository set or made yet. */
        BackupRepositoryInput: {
            /** @description A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH. */
            location: string;
            /** @enum {string} */
            kind: "local" | "sftp" | "rest" | "s3";
            /** @description SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys. */
            publicKey?: string;
            /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
            hostKeys?: string[];
        } | null;
        /** @description Backups of quadletman's own state (its database, configuration and the edge's CA), made by root. */
        SelfBackupStatusInput: {
            /** @description null: none set (`quadletman backup self repository LOCATION`, as root). */
            repository: {
                location: string;
                /** @enum {string} */
                kind: "local" | "sftp" | "rest" | "s3";
                /** @description SFTP: root's public key, for the remote user's ~/.ssh/authorized_keys. */
                publicKey?: string;
                /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
                hostKeys?: string[];
                createdAt: string;
                /** @description REST and S3: the user (access key id) it connects as. */
                user?: string;
            } | null;
            /** @description Newest first. */
            snapshots: components["schemas"]["BackupSnapshotInput"][];
            /** @description Why the snapshots could not be listed. */
            snapshotsError?: string;
            lastRun: {
                startedAt: string;
                finishedAt: string;
                ok: boolean;
                scheduled: boolean;
                snapshot?: string;
                summary?: {
                    snapshotId: string;
                    filesNew: number;
                    filesChanged: number;
                    filesUnmodified: number;
                    dataAdded: number;
                    totalFiles: number;
                    totalBytes: number;
                    durationS: number;
                };
                error?: string;
                /** @description Old snapshots the retention removed after it. */
                removed?: number;
            } | null;
            schedule: {
                /** @description The daily timer is installed and enabled. */
                installed: boolean;
                next: string | null;
                /** @description A backup of quadletman runs now. */
                running: boolean;
            };
        };
        BackupRepositorySetInput: {
            /** @description A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH. */
            location: string;
            /** @enum {string} */
            kind: "local" | "sftp" | "rest" | "s3";
            /** @description SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys. */
            publicKey?: string;
            /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
            hostKeys?: string[];
            /** @description The new repository's password, shown this once. */
            password: string;
            /** @description The repository replaced, and its password, this once: its snapshots stay readable. */
            previous?: {
                location: string;
                password: string;
            };
        };
        BackupProgressInput: {
            /** @description null: no backup or restore of the compartment is under way. */
            progress: {
                /** @enum {string} */
                operation: "backup" | "restore";
                /**
                 * @description hook: the backup hook runs; stopping/starting: the units around the snapshot or the swap; restic: restic reads or writes the data (`status`); swapping: a restore puts the restored folders in place; checking: a restore runs the compartment's probes.
                 * @enum {string}
                 */
                stage: "hook" | "stopping" | "restic" | "starting" | "swapping" | "checking";
                startedAt: string;
                /** @description restic's last status (about once a second); null before the first. */
                status: {
                    /** @description 0 … 100 */
                    percent: number | null;
                    filesDone: number | null;
                    totalFiles: number | null;
                    bytesDone: number | null;
                    totalBytes: number | null;
                    secondsElapsed: number | null;
                    secondsRemaining: number | null;
                    currentFiles: string[];
                } | null;
            } | null;
        };
        BackupResultInput: {
            compartment: string;
            /** @enum {string} */
            mode: "stop" | "live" | "hook";
            summary: {
                snapshotId: string;
                filesNew: number;
                filesChanged: number;
                filesUnmodified: number;
                dataAdded: number;
                totalFiles: number;
                totalBytes: number;
                durationS: number;
            };
            paths: string[];
            stopped: string[];
            downtimeMs: number | null;
            /** @description Set when this backup made the repository: its password, shown this once. */
            repository?: {
                location: string;
                password: string;
            };
        };
        BackupPolicyInput: {
            /** @description off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (DAY: mon … sun); every time in UTC. Canonical form. */
            schedule: string;
            /** @enum {string} */
            mode: "stop" | "live" | "hook";
            /** @description restic forget --keep-* after each scheduled backup; null: every snapshot is kept. */
            keep: {
                last: number;
                daily: number;
                weekly: number;
                monthly: number;
            } | null;
        };
        BackupRunInput: {
            at: string;
            finishedAt: string;
            /** @enum {string} */
            result: "ok" | "failed";
            /**
             * @description On a failure: the step that failed.
             * @enum {string}
             */
            stage?: "backup" | "prune" | "check";
            error?: string;
            snapshot?: string;
            /** @description Snapshots the retention forgot. */
            removed?: number;
            kept?: number;
            /** @description The run checked the repository (weekly). */
            checked?: boolean;
        };
        BackupCheckInput: {
            at: string;
            ok: boolean;
            /** @description restic check's last lines. */
            output: string;
        };
        BackupPolicyViewInput: {
            compartment: string;
            policy: components["schemas"]["BackupPolicyInput"];
            /** @description ISO-8601 UTC; null: the schedule is off. */
            nextRun: string | null;
            /** @description The last scheduled run; null: none yet. */
            lastRun: components["schemas"]["BackupRunInput"] | null;
            /** @description The last restic check of the repository (a scheduled run checks it weekly); null: none yet. */
            lastCheck: components["schemas"]["BackupCheckInput"] | null;
        };
        PruneResultInput: {
            removed: components["schemas"]["BackupSnapshotInput"][];
            kept: components["schemas"]["BackupSnapshotInput"][];
        };
        RestoreResultInput: {
            compartment: string;
            /** @description The compartment restored into, when it is another one */
            into?: string;
            snapshot: string;
            restored: string[];
            /** @description The volumes of the snapshot (by name) the compartment restored into does not declare: left alone */
            skipped?: string[];
            restarted: string[];
            /** @description How many of the compartment's probes answered after the restore (0: it declares none) */
            probes: number;
            durationMs: number;
        };
        SnapshotEntryInput: {
            name: string;
            /** @enum {string} */
            type: "file" | "dir" | "symlink" | "other";
            /** @description Its absolute path in the snapshot. */
            path: string;
            size: number | null;
            /** @description Permission bits, four octal digits (0644). */
            mode: string | null;
            uid: number | null;
            gid: number | null;
            mtime: string | null;
        };
        SnapshotFolderInput: {
            snapshot: string;
            path: string;
            entries: components["schemas"]["SnapshotEntryInput"][];
            /** @description The folder has more entries than listed (at most 2000). */
            truncated: boolean;
        };
        RestoreFileResultInput: {
            snapshot: string;
            path: string;
            /** @description Where it was put. */
            restored: string;
            /** @description Where the version it replaced was kept (`<name>.before-restore-<time>`); absent: none. */
            previous?: string;
        };
        /** @description internal: Caddy's own CA (download its root); acme: public names. */
        EdgeTlsInput: {
            /** @enum {string} */
            mode: "internal";
        } | {
            /** @enum {string} */
            mode: "acme";
            /** @description Given to the ACME CA (expiry notices). */
            email: string;
            /** @description The CA's staging directory (test certificates, generous limits). */
            staging: boolean;
        };
        EdgeSettingsInput: {
            adminSocket: string;
            httpPort: number;
            httpsPort: number;
            tls: components["schemas"]["EdgeTlsInput"];
            /** @description quadletman's own web UI through the edge (proxy self). */
            self?: {
                /** @description The UI host name (e.g. qm.example.org). */
                host: string;
                /** @description The loopback port the UI listens on. */
                port: number;
            };
        };
        EdgeRouteStatusInput: {
            compartment: string;
            host: string;
            path: string;
            /** @description UNIT:PORT inside the compartment. */
            to: string;
            /** @description The loopback port the unit publishes the route on. */
            port: number | null;
            url: string;
            /** @description What one request through the edge gave (HTTP 200, or why none came). */
            answer: string;
            ok: boolean;
            certificate: {
                issuer: string;
                validTo: string;
            } | null;
            /** @description The route's options as the spec gives them; absent when it has none. */
            options?: {
                redirectFrom: string[];
                /** @description The user names (never their hashes). */
                basicAuthUsers: string[];
                requestHeaders: {
                    [key: string]: string;
                };
                responseHeaders: {
                    [key: string]: string;
                };
            } | null;
        };
        EdgeStatusInput: {
            settings: components["schemas"]["EdgeSettingsInput"];
            /** @description Whether Caddy's admin socket answered. */
            reachable: boolean;
            /** @description Whether Caddy runs exactly the configuration the store gives. */
            inSync: boolean;
            error: string | null;
            /** @description The configuration as a Caddyfile, to read. */
            caddyfile: string;
            hasRootCertificate: boolean;
            routes: components["schemas"]["EdgeRouteStatusInput"][];
            certificates: components["schemas"]["EdgeCertificateInput"][];
        };
        EdgeCertificateInput: {
            /** @description The leaf's SHA-256 fingerprint, its id. */
            fingerprint: string;
            /** @description The DNS names it covers. */
            hosts: string[];
            subject: string;
            issuer: string;
            validFrom: string;
            validTo: string;
            uploadedAt: string;
            /** @description The route hosts it is served for. */
            serves?: string[];
        };
        ConnectionInput: {
            /** @description The compartment that provides the service. */
            provider: string;
            service: string;
            /** @description UNIT:PORT inside the provider. */
            to: string;
            /** @description The loopback port it is published on. */
            port: number | null;
            consumers: {
                compartment: string;
                as: string;
            }[];
        };
        ConnectionsInput: {
            /** @description Whether this quadletman loads the loopback guard (nftables). */
            enforced: boolean;
            /** @description The address consumers' containers reach provided services at. */
            address: string;
            connections: components["schemas"]["ConnectionInput"][];
        };
        AuditEntryInput: {
            id: number;
            at: string;
            actor: string;
            actorKind: string;
            address: string;
            action: string;
            target: string;
            compartment: string | null;
            /** @enum {string} */
            result: "ok" | "failed" | "denied";
            details: {
                [key: string]: unknown;
            };
            hash: string;
        };
        SessionInfoInput: {
            username: string;
            /** @enum {string} */
            kind: "session" | "token";
            /** @description Roles held: compartment `*` is every compartment. */
            grants: {
                compartment: string;
                /** @enum {string} */
                role: "viewer" | "operator" | "admin";
            }[];
            /** @description Send it in X-CSRF-Token with every POST, PUT, PATCH and DELETE made with the session. */
            csrfToken?: string;
            expiresAt?: string;
        };
        UserInput: {
            username: string;
            /** @enum {string} */
            kind: "local" | "pam";
            createdAt: string;
            passwordChangedAt: string | null;
            grants: {
                username: string;
                compartment: string;
                /** @enum {string} */
                role: "viewer" | "operator" | "admin";
                createdAt: string;
            }[];
        };
        ApiTokenInput: {
            id: string;
            name: string;
            username: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "admin";
            compartment: string;
            createdAt: string;
            lastUsedAt: string | null;
            revokedAt: string | null;
        };
        ApiError: {
            error: {
                /** @description A stable code (see ErrorCode); never a number. */
                code: string;
                message: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        UnitInfo: {
            /** @description The systemd unit (`web.service`, `backup.timer`). */
            unit: string;
            /** @description The file it comes from (`web.container`). */
            source: string;
            status?: {
                unit: string;
                /** @enum {string} */
                activeState: "active" | "activating" | "inactive" | "failed" | "deactivating" | "reloading" | "maintenance" | "unknown";
                subState: string;
                result: string;
            };
            /** @description A failed unit's reason: systemd's summary, then the lines of its journal that say why (Podman's and the program's), joined by ' | '. */
            failure?: string;
        };
        Compartment: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
        };
        CompartmentSummary: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
            units: number;
            /** @description Every unit (containers, pods, networks, volumes, images, builds, timers…) by ActiveState. */
            unitStates: {
                [key: string]: number;
            };
            /** @description The units of `.container` files by state word (running, failed, stopped…; see @quadletman/quadlet unit-state). */
            containerStates: {
                [key: string]: number;
            };
            /** @description Every other unit (pods, kube, networks, volumes, images, builds, plain systemd units) by state word: a oneshot unit that ran is `done` (active/exited), not running; a failure of any of them is `failed`. */
            otherStates: {
                [key: string]: number;
            };
            statusAt: string | null;
            updates: number;
            backupFailed: {
                at: string;
                error: string;
            } | null;
        };
        RevisionSummary: {
            number: number;
            actor: string;
            startedAt: string;
            finishedAt: string | null;
            /** @enum {string} */
            result: "pending" | "applied" | "failed" | "rolled-back" | "refused";
            message: string;
        };
        CompartmentDetail: {
            id: string;
            description: string;
            podmanVersion: string | null;
            createdAt: string;
            updatedAt: string;
            units: components["schemas"]["UnitInfo"][];
            history: components["schemas"]["RevisionSummary"][];
            lintPodmanVersion?: string | null;
        };
        SpecDocument: {
            /** @description The desired state in spec form (JSON). */
            spec: {
                [key: string]: unknown;
            };
            /** @description The same spec as YAML. */
            yaml: string;
        };
        Plan: {
            changes: {
                path: string;
                /** @enum {string} */
                kind: "added" | "changed" | "removed";
                diff: string;
                mode?: {
                    before: number | null;
                    after: number | null;
                };
            }[];
            unchanged: string[];
            units: {
                start: string[];
                restart: string[];
                stop: string[];
            };
            reload: boolean;
            noop: boolean;
            /** @description Routes through the edge the apply adds and removes: host/path → unit:port (loopback). */
            routes?: {
                add: string[];
                remove: string[];
            };
            /** @description Connections between compartments the apply adds and removes: service → unit:port (loopback), AS ← compartment/service. */
            links?: {
                add: string[];
                remove: string[];
            };
        };
        PlanResult: {
            plan: components["schemas"]["Plan"];
            diagnostics: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            podmanVersion?: string | null;
        };
        ApplyResult: {
            /** @enum {string} */
            outcome: "applied" | "noop" | "refused" | "rolled-back" | "failed";
            revision: number | null;
            message: string;
            plan: components["schemas"]["Plan"];
            diagnostics: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            podmanVersion?: string | null;
            dryRun: {
                file: string;
                ok: boolean;
                reason?: string;
            }[];
            units: {
                unit: string;
                /** @enum {string} */
                activeState: "active" | "activating" | "inactive" | "failed" | "deactivating" | "reloading" | "maintenance" | "unknown";
                subState: string;
                result: string;
            }[];
            images?: {
                unit: string;
                image: string;
                previousImage?: string;
                before?: {
                    id: string;
                    digest: string;
                };
                after?: {
                    id: string;
                    digest: string;
                };
            }[];
            failedAt?: string;
            restoredAt?: string;
            backup?: {
                snapshot: string;
                mode: string;
            };
        };
        ApplyProgress: {
            /** @enum {string} */
            step: "plan" | "validate" | "pull" | "write" | "reload" | "start" | "verify" | "rollback" | "done";
            /** @enum {string} */
            status: "running" | "ok" | "failed" | "skipped";
            message: string;
        };
        RevisionDetail: {
            number: number;
            actor: string;
            startedAt: string;
            finishedAt: string | null;
            /** @enum {string} */
            result: "pending" | "applied" | "failed" | "rolled-back" | "refused";
            message: string;
            spec: {
                [key: string]: unknown;
            } | null;
            files: {
                [key: string]: {
                    text: string;
                    mode: number;
                };
            };
            diff: string;
        };
        UnitGraphNode: {
            /** @description The file name (`web.container`); an instance of a template: `web@blue.container`. */
            id: string;
            /** @description Home-relative path of its file (an instance: its template's). */
            path: string;
            /** @enum {string} */
            kind: "container" | "pod" | "network" | "volume" | "image" | "build" | "kube" | "artifact" | "timer" | "socket" | "service" | "target";
            /** @description The systemd unit: the generated service (`web.service`), or the timer/target. */
            unit: string;
            /**
             * @description A template: started only through its instances.
             * @enum {boolean}
             */
            template?: true;
            instanceOf?: string;
            /**
             * @description A container with Notify=healthy: units after it wait until its health check passes.
             * @enum {boolean}
             */
            notifyHealthy?: true;
        };
        UnitGraphEdge: {
            /** @description The unit that depends (a node id). */
            from: string;
            /** @description What it depends on: a node id, or the name as written when missing or external. */
            to: string;
            /** @enum {string} */
            kind: "requires" | "wants" | "after" | "before" | "binds" | "partOf" | "network" | "volume" | "image" | "build" | "artifact" | "pod" | "triggers";
            /** @description The key it comes from (`Requires`, `Network`, `Mount`, `WantedBy`…). */
            key: string;
            /**
             * @description `after`: `from` starts after `to`; `before`: before it; null: no ordering.
             * @enum {string|null}
             */
            order: "after" | "before" | null;
            /** @description The later unit waits until the earlier (Notify=healthy) is healthy. */
            healthGate: boolean;
            /**
             * @description A Quadlet file the compartment does not have.
             * @enum {boolean}
             */
            missing?: true;
            /**
             * @description A unit outside the compartment's files.
             * @enum {boolean}
             */
            external?: true;
        };
        UnitGraph: {
            nodes: components["schemas"]["UnitGraphNode"][];
            edges: components["schemas"]["UnitGraphEdge"][];
            /** @description Node ids in start order (templates left out). */
            order: string[];
            /** @description The start order by depth. */
            layers: string[][];
            /** @description Units that order each other in a circle. */
            cycles: string[][];
            /** @description References to Quadlet files the compartment does not have. */
            missing: {
                from: string;
                to: string;
                key: string;
            }[];
        };
        Volume: {
            name: string;
            /** @enum {string} */
            kind: "host" | "podman";
            path: string | null;
            owner: string | null;
            sizeBytes: number | null;
            declared: boolean;
            exists: boolean;
            declaredAs: string | null;
            mountSource: string;
        };
        Secret: {
            name: string;
            declared: boolean;
            exists: boolean;
            description?: string;
        };
        RegistryLogin: {
            registry: string;
            username: string;
            declared: boolean;
            loggedIn: boolean | null;
        };
        ConfigFileSummary: {
            path: string;
            /** @enum {string} */
            in: "files" | "quadlet";
            mode: number;
            size: number;
        };
        ConfigFile: {
            path: string;
            /** @enum {string} */
            in: "files" | "quadlet";
            mode: number;
            size: number;
            content: string;
        };
        Image: {
            id: string;
            repository: string | null;
            tags: string[];
            names: string[];
            digest: string | null;
            /** @description Bytes, as `podman images` counts them (shared layers included). */
            size: number;
            /** @description ISO 8601; null when Podman does not know it. */
            created: string | null;
            /** @description The unit files of the desired state that use it. */
            usedBy: string[];
            unused: boolean;
            /** @description Containers (running or stopped) that use it. */
            containers: number;
            dangling: boolean;
        };
        ImageList: {
            images: components["schemas"]["Image"][];
            /** @description Images units need that the compartment does not have. */
            missing: {
                unit: string;
                image: string;
            }[];
        };
        PruneImagesResult: {
            dryRun: boolean;
            /** @description The images removed (with dryRun: those that would be). */
            removed: components["schemas"]["Image"][];
            failed: {
                image: components["schemas"]["Image"];
                error: string;
            }[];
            /** @description The size of the images removed. */
            bytes: number;
        };
        DoctorReport: {
            ok: boolean;
            summary: {
                ok: number;
                warn: number;
                fail: number;
            };
            checks: {
                id: string;
                /** @enum {string} */
                status: "ok" | "warn" | "fail";
                message: string;
                fix?: string;
                details?: {
                    [key: string]: unknown;
                };
            }[];
        };
        AuditChain: {
            /** @enum {boolean} */
            ok: true;
            /** @description Entries checked. */
            entries: number;
        } | {
            /** @enum {boolean} */
            ok: false;
            /** @description Entries that verify, before the broken one. */
            entries: number;
            /** @description The first entry edited, removed or reordered. */
            brokenId: number;
            reason: string;
        };
        AdoptResult: {
            compartment: string;
            created: boolean;
            /** @description The desired state it would apply, in spec form. */
            spec: {
                [key: string]: unknown;
            };
            units: string[];
            files: string[];
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            warnings: string[];
            plan?: components["schemas"]["Plan"];
            apply?: components["schemas"]["ApplyResult"];
            source: {
                dir: string;
                owner: {
                    uid: number;
                    name?: string;
                };
            };
            sourceServices: string[];
            sourceAdvice: string;
        };
        ImportResult: {
            compartment: string;
            created: boolean;
            /** @description The desired state it would apply, in spec form. */
            spec: {
                [key: string]: unknown;
            };
            units: string[];
            files: string[];
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            warnings: string[];
            plan?: components["schemas"]["Plan"];
            apply?: components["schemas"]["ApplyResult"];
            diagnostics: {
                /** @enum {string} */
                severity: "error" | "warning" | "info";
                code: string;
                message: string;
                line: number;
                key?: string;
            }[];
            from: string | null;
        };
        ExportResult: {
            compartment: string;
            /** @description The .quadlets bundle. */
            text: string;
            units: string[];
            extension: {
                files: string[];
                timers: string[];
                volumes: string[];
                probes: string[];
            };
            warnings: string[];
        };
        ConvertCompose: {
            compartment: string;
            yaml: string;
            report: {
                path: string;
                /** @enum {string} */
                disposition: "mapped" | "podman-args" | "dropped" | "needs-input";
                note: string;
            }[];
            podmanVersion: string | null;
        };
        ImageCheck: {
            image: string;
            units: string[];
            checkedAt: string;
            /** @enum {string} */
            status: "up-to-date" | "update-available" | "unknown";
            remoteDigest: string | null;
            localDigests: string[];
            reason: string | null;
        };
        NotifyChannel: {
            name: string;
            /** @enum {string} */
            kind: "webhook" | "ntfy" | "email";
            /** @description A compartment id, or `*` for every compartment */
            scope: string;
            events: "all" | ("unit-failed" | "apply-refused" | "apply-rolled-back" | "update-available" | "upgrade-finished" | "upgrade-rolled-back" | "backup-failed" | "test")[];
            enabled: boolean;
            config: {
                url?: string;
                priority?: number;
                tags?: string[];
                to?: string[];
                from?: string;
            };
            secretSet: boolean;
            createdAt: string;
            updatedAt: string;
        };
        NotifyDelivery: {
            id: string;
            channel: string;
            eventKind: string;
            compartment: string | null;
            title: string;
            attempts: number;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            lastError: string | null;
            createdAt: string;
            updatedAt: string;
            nextAttemptAt: string | null;
        };
        NotifyTestResult: {
            delivery: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            error: string | null;
        };
        TemplateParameter: {
            name: string;
            description?: string;
            default?: string;
            /** @description A value must match it whole. */
            pattern?: string;
            /**
             * @description Made at random when no value is given.
             * @enum {string}
             */
            generate?: "password" | "token";
            /** @description The value also becomes this Podman secret. */
            secret?: string;
        };
        TemplateInfo: {
            name: string;
            description: string;
            version: string | null;
            parameters: components["schemas"]["TemplateParameter"][];
            units: string[];
            createdBy: string;
            /** @description The compartment it was saved from (null: imported). */
            source: string | null;
            createdAt: string;
            updatedAt: string;
        };
        TemplateDetail: {
            name: string;
            description: string;
            version: string | null;
            parameters: components["schemas"]["TemplateParameter"][];
            units: string[];
            createdBy: string;
            /** @description The compartment it was saved from (null: imported). */
            source: string | null;
            createdAt: string;
            updatedAt: string;
            /** @description The template as YAML (`template import` reads it back). */
            yaml: string;
        };
        CreateFromTemplateResult: {
            compartment: string;
            created: boolean;
            spec: {
                [key: string]: unknown;
            };
            values: {
                name: string;
                /** @description A secret's value only when this call made the secret (shown once). */
                value: string;
                /** @enum {string} */
                source: "given" | "default" | "generated";
                secret?: string;
            }[];
            secrets: {
                made: string[];
                kept: string[];
            };
            lint: {
                path: string;
                diagnostics: {
                    /** @enum {string} */
                    severity: "error" | "warning" | "info";
                    code: string;
                    message: string;
                    line: number;
                    key?: string;
                }[];
            }[];
            lintErrors: number;
            plan?: components["schemas"]["Plan"];
            apply?: components["schemas"]["ApplyResult"];
        };
        InstalledApp: {
            /** @enum {string} */
            origin: "catalog" | "template";
            name: string;
            version: string | null;
            values: {
                [key: string]: string;
            };
            installedAt: string;
            updatedAt: string;
        };
        CatalogApp: {
            name: string;
            title: string;
            version: string;
            category: string;
            description: string;
            parameters: components["schemas"]["TemplateParameter"][];
            units: string[];
            backup: {
                [key: string]: "files" | "stop" | "skip";
            };
            requires: string[];
            installed: {
                compartment: string;
                version: string | null;
            }[];
        };
        CatalogAppDetail: {
            name: string;
            title: string;
            version: string;
            category: string;
            description: string;
            parameters: components["schemas"]["TemplateParameter"][];
            units: string[];
            backup: {
                [key: string]: "files" | "stop" | "skip";
            };
            requires: string[];
            installed: {
                compartment: string;
                version: string | null;
            }[];
            /** @description The app's README (Markdown). */
            readme: string;
            /** @description The entry as a template (YAML). */
            yaml: string;
        };
        BackupSnapshot: {
            id: string;
            shortId: string;
            time: string;
            paths: string[];
            tags: string[];
            /** @description Bytes the snapshot holds (restic's summary; null: restic kept none). */
            size?: number | null;
            /** @description Bytes this snapshot added to the repository. */
            added?: number | null;
            /** @description How long the backup took, in seconds. */
            durationS?: number | null;
        };
        BackupList: {
            /** @description null: none yet (the first backup makes it). */
            repository: {
                location: string;
            } | null;
            snapshots: components["schemas"]["BackupSnapshot"][];
        };
        /** @description null: no repository set or made yet. */
        BackupRepository: {
            /** @description A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH. */
            location: string;
            /** @enum {string} */
            kind: "local" | "sftp" | "rest" | "s3";
            /** @description SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys. */
            publicKey?: string;
            /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
            hostKeys?: string[];
        } | null;
        /** @description Backups of quadletman's own state (its database, configuration and the edge's CA), made by root. */
        SelfBackupStatus: {
            /** @description null: none set (`quadletman backup self repository LOCATION`, as root). */
            repository: {
                location: string;
                /** @enum {string} */
                kind: "local" | "sftp" | "rest" | "s3";
                /** @description SFTP: root's public key, for the remote user's ~/.ssh/authorized_keys. */
                publicKey?: string;
                /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
                hostKeys?: string[];
                createdAt: string;
                /** @description REST and S3: the user (access key id) it connects as. */
                user?: string;
            } | null;
            /** @description Newest first. */
            snapshots: components["schemas"]["BackupSnapshot"][];
            /** @description Why the snapshots could not be listed. */
            snapshotsError?: string;
            lastRun: {
                startedAt: string;
                finishedAt: string;
                ok: boolean;
                scheduled: boolean;
                snapshot?: string;
                summary?: {
                    snapshotId: string;
                    filesNew: number;
                    filesChanged: number;
                    filesUnmodified: number;
                    dataAdded: number;
                    totalFiles: number;
                    totalBytes: number;
                    durationS: number;
                };
                error?: string;
                /** @description Old snapshots the retention removed after it. */
                removed?: number;
            } | null;
            schedule: {
                /** @description The daily timer is installed and enabled. */
                installed: boolean;
                next: string | null;
                /** @description A backup of quadletman runs now. */
                running: boolean;
            };
        };
        BackupRepositorySet: {
            /** @description A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH. */
            location: string;
            /** @enum {string} */
            kind: "local" | "sftp" | "rest" | "s3";
            /** @description SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys. */
            publicKey?: string;
            /** @description SFTP: fingerprints of the remote host's keys, recorded when the location was set. */
            hostKeys?: string[];
            /** @description The new repository's password, shown this once. */
            password: string;
            /** @description The repository replaced, and its password, this once: its snapshots stay readable. */
            previous?: {
                location: string;
                password: string;
            };
        };
        BackupProgress: {
            /** @description null: no backup or restore of the compartment is under way. */
            progress: {
                /** @enum {string} */
                operation: "backup" | "restore";
                /**
                 * @description hook: the backup hook runs; stopping/starting: the units around the snapshot or the swap; restic: restic reads or writes the data (`status`); swapping: a restore puts the restored folders in place; checking: a restore runs the compartment's probes.
                 * @enum {string}
                 */
                stage: "hook" | "stopping" | "restic" | "starting" | "swapping" | "checking";
                startedAt: string;
                /** @description restic's last status (about once a second); null before the first. */
                status: {
                    /** @description 0 … 100 */
                    percent: number | null;
                    filesDone: number | null;
                    totalFiles: number | null;
                    bytesDone: number | null;
                    totalBytes: number | null;
                    secondsElapsed: number | null;
                    secondsRemaining: number | null;
                    currentFiles: string[];
                } | null;
            } | null;
        };
        BackupResult: {
            compartment: string;
            /** @enum {string} */
            mode: "stop" | "live" | "hook";
            summary: {
                snapshotId: string;
                filesNew: number;
                filesChanged: number;
                filesUnmodified: number;
                dataAdded: number;
                totalFiles: number;
                totalBytes: number;
                durationS: number;
            };
            paths: string[];
            stopped: string[];
            downtimeMs: number | null;
            /** @description Set when this backup made the repository: its password, shown this once. */
            repository?: {
                location: string;
                password: string;
            };
        };
        BackupPolicy: {
            /** @description off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (DAY: mon … sun); every time in UTC. Canonical form. */
            schedule: string;
            /** @enum {string} */
            mode: "stop" | "live" | "hook";
            /** @description restic forget --keep-* after each scheduled backup; null: every snapshot is kept. */
            keep: {
                last: number;
                daily: number;
                weekly: number;
                monthly: number;
            } | null;
        };
        BackupRun: {
            at: string;
            finishedAt: string;
            /** @enum {string} */
            result: "ok" | "failed";
            /**
             * @description On a failure: the step that failed.
             * @enum {string}
             */
            stage?: "backup" | "prune" | "check";
            error?: string;
            snapshot?: string;
            /** @description Snapshots the retention forgot. */
            removed?: number;
            kept?: number;
            /** @description The run checked the repository (weekly). */
            checked?: boolean;
        };
        BackupCheck: {
            at: string;
            ok: boolean;
            /** @description restic check's last lines. */
            output: string;
        };
        BackupPolicyView: {
            compartment: string;
            policy: components["schemas"]["BackupPolicy"];
            /** @description ISO-8601 UTC; null: the schedule is off. */
            nextRun: string | null;
            /** @description The last scheduled run; null: none yet. */
            lastRun: components["schemas"]["BackupRun"] | null;
            /** @description The last restic check of the repository (a scheduled run checks it weekly); null: none yet. */
            lastCheck: components["schemas"]["BackupCheck"] | null;
        };
        PruneResult: {
            removed: components["schemas"]["BackupSnapshot"][];
            kept: components["schemas"]["BackupSnapshot"][];
        };
        RestoreResult: {
            compartment: string;
            /** @description The compartment restored into, when it is another one */
            into?: string;
            snapshot: string;
            restored: string[];
            /** @description The volumes of the snapshot (by name) the compartment restored into does not declare: left alone */
            skipped?: string[];
            restarted: string[];
            /** @description How many of the compartment's probes answered after the restore (0: it declares none) */
            probes: number;
            durationMs: number;
        };
        SnapshotEntry: {
            name: string;
            /** @enum {string} */
            type: "file" | "dir" | "symlink" | "other";
            /** @description Its absolute path in the snapshot. */
            path: string;
            size: number | null;
            /** @description Permission bits, four octal digits (0644). */
            mode: string | null;
            uid: number | null;
            gid: number | null;
            mtime: string | null;
        };
        SnapshotFolder: {
            snapshot: string;
            path: string;
            entries: components["schemas"]["SnapshotEntry"][];
            /** @description The folder has more entries than listed (at most 2000). */
            truncated: boolean;
        };
        RestoreFileResult: {
            snapshot: string;
            path: string;
            /** @description Where it was put. */
            restored: string;
            /** @description Where the version it replaced was kept (`<name>.before-restore-<time>`); absent: none. */
            previous?: string;
        };
        /** @description internal: Caddy's own CA (download its root); acme: public names. */
        EdgeTls: {
            /** @enum {string} */
            mode: "internal";
        } | {
            /** @enum {string} */
            mode: "acme";
            /** @description Given to the ACME CA (expiry notices). */
            email: string;
            /** @description The CA's staging directory (test certificates, generous limits). */
            staging: boolean;
        };
        EdgeSettings: {
            adminSocket: string;
            httpPort: number;
            httpsPort: number;
            tls: components["schemas"]["EdgeTls"];
            /** @description quadletman's own web UI through the edge (proxy self). */
            self?: {
                /** @description The UI host name (e.g. qm.example.org). */
                host: string;
                /** @description The loopback port the UI listens on. */
                port: number;
            };
        };
        EdgeRouteStatus: {
            compartment: string;
            host: string;
            path: string;
            /** @description UNIT:PORT inside the compartment. */
            to: string;
            /** @description The loopback port the unit publishes the route on. */
            port: number | null;
            url: string;
            /** @description What one request through the edge gave (HTTP 200, or why none came). */
            answer: string;
            ok: boolean;
            certificate: {
                issuer: string;
                validTo: string;
            } | null;
            /** @description The route's options as the spec gives them; absent when it has none. */
            options?: {
                redirectFrom: string[];
                /** @description The user names (never their hashes). */
                basicAuthUsers: string[];
                requestHeaders: {
                    [key: string]: string;
                };
                responseHeaders: {
                    [key: string]: string;
                };
            } | null;
        };
        EdgeStatus: {
            settings: components["schemas"]["EdgeSettings"];
            /** @description Whether Caddy's admin socket answered. */
            reachable: boolean;
            /** @description Whether Caddy runs exactly the configuration the store gives. */
            inSync: boolean;
            error: string | null;
            /** @description The configuration as a Caddyfile, to read. */
            caddyfile: string;
            hasRootCertificate: boolean;
            routes: components["schemas"]["EdgeRouteStatus"][];
            certificates: components["schemas"]["EdgeCertificate"][];
        };
        EdgeCertificate: {
            /** @description The leaf's SHA-256 fingerprint, its id. */
            fingerprint: string;
            /** @description The DNS names it covers. */
            hosts: string[];
            subject: string;
            issuer: string;
            validFrom: string;
            validTo: string;
            uploadedAt: string;
            /** @description The route hosts it is served for. */
            serves?: string[];
        };
        Connection: {
            /** @description The compartment that provides the service. */
            provider: string;
            service: string;
            /** @description UNIT:PORT inside the provider. */
            to: string;
            /** @description The loopback port it is published on. */
            port: number | null;
            consumers: {
                compartment: string;
                as: string;
            }[];
        };
        Connections: {
            /** @description Whether this quadletman loads the loopback guard (nftables). */
            enforced: boolean;
            /** @description The address consumers' containers reach provided services at. */
            address: string;
            connections: components["schemas"]["Connection"][];
        };
        AuditEntry: {
            id: number;
            at: string;
            actor: string;
            actorKind: string;
            address: string;
            action: string;
            target: string;
            compartment: string | null;
            /** @enum {string} */
            result: "ok" | "failed" | "denied";
            details: {
                [key: string]: unknown;
            };
            hash: string;
        };
        SessionInfo: {
            username: string;
            /** @enum {string} */
            kind: "session" | "token";
            /** @description Roles held: compartment `*` is every compartment. */
            grants: {
                compartment: string;
                /** @enum {string} */
                role: "viewer" | "operator" | "admin";
            }[];
            /** @description Send it in X-CSRF-Token with every POST, PUT, PATCH and DELETE made with the session. */
            csrfToken?: string;
            expiresAt?: string;
        };
        User: {
            username: string;
            /** @enum {string} */
            kind: "local" | "pam";
            createdAt: string;
            passwordChangedAt: string | null;
            grants: {
                username: string;
                compartment: string;
                /** @enum {string} */
                role: "viewer" | "operator" | "admin";
                createdAt: string;
            }[];
        };
        ApiToken: {
            id: string;
            name: string;
            username: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "admin";
            compartment: string;
            createdAt: string;
            lastUsedAt: string | null;
            revokedAt: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
