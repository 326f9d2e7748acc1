// What Homeport does with Compose keys it does not turn into container settings. Errors are keys whose
// absence would change what the app does (it would start without its image, configs, hooks, links…);
// warnings are keys that only tune scheduling or are meant for other tools, so ignoring them is safe.
// README.md carries the same table for people.

export const UNSUPPORTED_SERVICE_KEYS: Record<string, string> = {
  configs: 'configs are not supported; bind-mount the file instead',
  extends: 'extends is not supported; write the service out in full',
  volumes_from: 'volumes_from is not supported; mount the same named volumes in both services',
  links: 'links are not supported; services on the same network already reach each other by name',
  external_links: 'external_links are not supported; attach the service to an external network instead',
  provider: 'provider services are not supported',
  models: 'AI models are not supported',
  label_file: 'label_file is not supported; write the labels under labels:',
  credential_spec: 'credential_spec (Windows only) is not supported',
  post_start: 'post_start hooks are not supported',
  pre_stop: 'pre_stop hooks are not supported',
  use_api_socket: 'use_api_socket is not supported; bind-mount /var/run/docker.sock explicitly',
  device_cgroup_rules: 'device_cgroup_rules is not supported; list the devices under devices:',
  runtime: 'a custom container runtime is not supported',
}

export const IGNORED_SERVICE_KEYS: Record<string, string> = {
  develop: 'develop (compose watch) is ignored',
  annotations: 'annotations are ignored',
  attach: 'attach only affects log output of `docker compose up` and is ignored',
  blkio_config: 'blkio_config is ignored',
  cpu_count: 'cpu_count (Windows only) is ignored',
  cpu_percent: 'cpu_percent (Windows only) is ignored',
  cpu_quota: 'cpu_quota is ignored; use cpus:',
  cpu_period: 'cpu_period is ignored; use cpus:',
  cpu_rt_period: 'cpu_rt_period is ignored',
  cpu_rt_runtime: 'cpu_rt_runtime is ignored',
  mem_swappiness: 'mem_swappiness is ignored',
  oom_kill_disable: 'oom_kill_disable is ignored',
  oom_score_adj: 'oom_score_adj is ignored',
  isolation: 'isolation (Windows only) is ignored',
  cgroup: 'cgroup is ignored',
  cgroup_parent: 'cgroup_parent is ignored',
  storage_opt: 'storage_opt is ignored',
  uts: 'uts is ignored',
  userns_mode: 'userns_mode is ignored',
  mac_address: 'mac_address is ignored',
  pull_refresh_after: 'pull_refresh_after is ignored',
}

export const UNSUPPORTED_TOP_LEVEL_KEYS: Record<string, string> = {
  include: 'include is not supported; merge the included files into one',
  models: 'AI models are not supported',
}

/** Deploy keys that only mean something to Swarm; Compose ignores them too. */
export const IGNORED_DEPLOY_KEYS = ['mode', 'endpoint_mode', 'labels', 'rollback_config', 'update_config', 'restart_policy', 'placement']
