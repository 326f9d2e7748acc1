// The two-service test app the core and CLI suites install: a web page that waits for a healthchecked
// dependency (ready a second after it starts), a named volume for its data, and `.env` as the web service's
// env_file as well as the source of `${WEB_PORT}`, so an edit of `.env` on the server is a configuration change.

export interface TwoServiceImages {
  /** Serves `/www` on port 80. */
  web: string
  db: string
  /** Shell run by db before it turns ready (log lines, say). */
  dbPrelude?: string
}

export function twoServiceCompose({ web, db, dbPrelude = '' }: TwoServiceImages): string {
  return `
services:
  web:
    image: ${web}
    depends_on:
      db:
        condition: service_healthy
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    env_file: .env
    volumes:
      - data:/www/data
    stop_grace_period: 1s
  db:
    image: ${db}
    command: ["sh", "-c", "${dbPrelude}sleep 1; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 20
    stop_grace_period: 1s
volumes:
  data:
`
}
