// Sample compartment specs for tests.

/** A stack with every part of a spec: web + db containers, default network, volumes, a timer, files. */
export const BLOG_YAML = `
compartment: blog
description: My blog
podmanVersion: "5.4"
network: { subnet: 10.89.1.0/24 }
units:
  web.container:
    container:
      image: docker.io/library/nginx:1.27
      publishPort: "8080:80"
      volume: ["data:/usr/share/nginx/html:ro", "cache:/cache"]
      environment: { GREETING: "100% hello", EMPTY: "" }
      environmentFile: web.env
      SecurityLabelDisable: true
      exec: sleep infinity
    service: { Restart: on-failure }
  db.container:
    container: { image: docker.io/library/postgres:16, Secret: [db-password] }
  app.pod:
    pod: { publishPort: ["9090:90"] }
  sidecar.container:
    container: { image: docker.io/library/busybox, pod: app.pod, exec: [sleep, infinity] }
  backup.timer:
    timer: { onCalendar: daily, persistent: true }
    job: { container: { image: docker.io/library/busybox, exec: [sh, -c, "echo backup > /x"] } }
  legacy.container:
    text: "[Container]\\nImage=docker.io/library/redis\\n"
volumes: { data: {}, cache: { kind: podman, options: { driver: local } } }
files: { web.env: { content: "A=1\\n", mode: 0o600 } }
secrets: [db-password, { name: api-key, description: The API key }]
registries: [{ registry: docker.io, username: bob }]
probes: [{ name: web, type: http, port: 8080 }, { name: db, type: tcp, port: 5432, timeoutMs: 2000 }]
`;

/** The smallest spec that runs something. */
export const minimal = (image = 'docker.io/library/busybox') => ({
  compartment: 'mini',
  units: { 'app.container': { container: { image, exec: ['sleep', 'infinity'] } } },
});
