// The files part of the contract. Each handler picks the server's filesystem or a Docker volume and calls
// one verb; the CLI and the window reach the same verbs through here.

import type { filesContract } from '../../../shared/contract/files.js'
import type { HandlersFor } from '../../../shared/contract/index.js'
import { changeMode, changeOwner } from './change-access.js'
import { copyOnServer } from './copy-job.js'
import { readBytes, readVolumeBytes } from './file-bytes.js'
import type { FilesDomain } from './files-domain.js'
import { absolutePath } from './host-target.js'
import { listFolder, statEntry } from './list-folder.js'
import { makeFolder } from './make-folder.js'
import { moveEntry } from './move-entry.js'
import { removeEntry } from './remove-entry.js'
import { serverSha256 } from './server-command.js'
import { readText, writeText } from './text-file.js'
import { listVolume, readVolumeText, statVolume, writeVolumeText } from './volumes/volume-files.js'
import { makeVolumeFolder, moveInVolume, removeInVolume } from './volumes/volume-ops.js'

export function filesHandlers(files: FilesDomain): HandlersFor<typeof filesContract> {
  return {
    'files.home': async ({ serverId }) => (await files.host(serverId)).home(),
    'files.list': async ({ serverId, volume, path }) => (volume ? listVolume(await files.volume(serverId, volume), path) : listFolder(await files.host(serverId), path)),
    'files.stat': async ({ serverId, volume, path }) => (volume ? statVolume(await files.volume(serverId, volume), path) : statEntry(await files.host(serverId), path)),
    'files.mkdir': async ({ serverId, volume, path }) => (volume ? makeVolumeFolder(await files.volume(serverId, volume), path) : makeFolder(await files.host(serverId), path)),
    'files.move': async ({ serverId, volume, from, to, overwrite }) =>
      volume ? moveInVolume(await files.volume(serverId, volume), from, to, overwrite) : moveEntry(await files.host(serverId), from, to, overwrite),
    'files.copy': async ({ serverId, from, to, overwrite }) => {
      const target = await files.host(serverId)
      const job = files.jobs.start({ kind: 'copy', title: `Copy ${from} to ${to} on ${target.server}`, serverId: target.serverId }, (ctx) => copyOnServer(target, from, to, overwrite, ctx))
      return { jobId: job.id }
    },
    'files.remove': async ({ serverId, volume, path, recursive, confirm }) =>
      volume ? removeInVolume(await files.volume(serverId, volume), path, recursive, confirm) : removeEntry(await files.host(serverId), path, recursive, confirm),
    'files.chmod': async ({ serverId, path, mode, recursive }) => changeMode(await files.host(serverId), path, mode, recursive),
    'files.chown': async ({ serverId, path, owner, group, recursive }) => changeOwner(await files.host(serverId), path, owner, group, recursive),
    'files.readText': async ({ serverId, volume, path, maxBytes }) =>
      volume ? readVolumeText(await files.volume(serverId, volume), path, maxBytes) : readText(await files.host(serverId), path, maxBytes),
    'files.writeText': async ({ serverId, volume, path, content, expected, mode }) =>
      volume ? writeVolumeText(await files.volume(serverId, volume), path, content, expected, mode) : writeText(await files.host(serverId), path, content, expected, mode),
    'files.sha256': async ({ serverId, path }) => {
      const target = await files.host(serverId)
      return serverSha256(target, await absolutePath(target, path))
    },
    'files.upload': async ({ serverId, volume, ...input }) => files.transfer('upload', serverId, { ...input, ...(volume ? { volume } : {}) }),
    'files.download': async ({ serverId, volume, ...input }) => files.transfer('download', serverId, { ...input, ...(volume ? { volume } : {}) }),
    'files.readBytes': async ({ serverId, volume, path, maxBytes }) =>
      volume ? readVolumeBytes(await files.volume(serverId, volume), path, maxBytes) : readBytes(await files.host(serverId), path, maxBytes),
    'files.stageCreate': () => files.staging.create(),
    'files.stageWrite': ({ stageId, name, offset, data }) => files.staging.write(stageId, name, offset, data),
    'files.stageRead': ({ stageId, name, offset, length }) => files.staging.read(stageId, name, offset, length),
    'files.stageDiscard': ({ stageId }) => files.staging.discard(stageId),
    'files.volumes': async ({ serverId }) => {
      const { Volumes } = await (await files.docker(serverId)).listVolumes()
      return (Volumes ?? []).map((v) => ({ name: v.Name, driver: v.Driver, labels: v.Labels ?? {}, ...((v as { CreatedAt?: string }).CreatedAt ? { createdAt: (v as { CreatedAt?: string }).CreatedAt } : {}) }))
    },
  }
}
