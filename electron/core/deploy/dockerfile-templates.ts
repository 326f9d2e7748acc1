// The minimal Dockerfiles `homeport init` offers a project without one: the language's official slim image,
// dependencies installed from the lock or requirements file first (so the build cache keeps them), the app
// listening on the port homeport.yml names (through PORT, which most frameworks read).

import type { Stack } from '../../../shared/contract/deploy.js'

export function dockerfileFor(stack: Stack, port: number): string {
  switch (stack) {
    case 'node':
      return `FROM node:22-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev || npm install --omit=dev
COPY . .
ENV NODE_ENV=production PORT=${port}
EXPOSE ${port}
CMD ["npm", "start"]
`
    case 'go':
      return `FROM golang:1.23 AS build
WORKDIR /src
COPY go.* ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /app /app
ENV PORT=${port}
EXPOSE ${port}
ENTRYPOINT ["/app"]
`
    case 'python':
      return `FROM python:3.12-slim
WORKDIR /app
COPY requirements*.txt pyproject.toml* ./
RUN if [ -f requirements.txt ]; then pip install --no-cache-dir -r requirements.txt; else pip install --no-cache-dir .; fi
COPY . .
ENV PORT=${port} PYTHONUNBUFFERED=1
EXPOSE ${port}
CMD ["python", "app.py"]
`
  }
}
