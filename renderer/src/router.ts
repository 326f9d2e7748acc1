import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import HomePage from './features/servers/pages/HomePage.vue'
import ServerPage from './features/servers/pages/ServerPage.vue'

// The apps pages load on demand (the terminal and the charts are large), and so does the set-up wizard:
// most visits never need them.
// Hash history: the window is loaded from file:// by Electron and from the web host alike.
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'home', component: HomePage },
      { path: '/servers/:id', name: 'server', component: ServerPage, props: true },
      { path: '/servers/:id/store', name: 'store', component: () => import('./features/store/pages/AppStorePage.vue'), props: true },
      {
        path: '/servers/:id/store/:appId',
        name: 'store-app',
        component: () => import('./features/store/pages/StoreAppPage.vue'),
        props: (route) => ({ id: route.params.id, appId: route.params.appId, catalog: typeof route.query.catalog === 'string' ? route.query.catalog : undefined }),
      },
      { path: '/servers/:id/apps', name: 'apps', component: () => import('./features/apps/pages/AppsPage.vue'), props: true },
      { path: '/servers/:id/setup', name: 'setup', component: () => import('./features/provision/pages/ProvisionPage.vue'), props: true },
      { path: '/servers/:id/engine', name: 'engine', component: () => import('./features/engine/pages/EnginePage.vue'), props: true },
      { path: '/servers/:id/backups', name: 'backups', component: () => import('./features/backups/pages/BackupsPage.vue'), props: true },
      { path: '/servers/:id/tasks', name: 'tasks', component: () => import('./features/tasks/pages/TasksPage.vue'), props: true },
      { path: '/servers/:id/deploy', name: 'deploy', component: () => import('./features/deploy/pages/DeployPage.vue'), props: true },
      { path: '/servers/:id/shell', name: 'shell', component: () => import('./features/terminal/pages/HostShellPage.vue'), props: true },
      { path: '/servers/:id/files', name: 'files', component: () => import('./features/files/pages/FilesPage.vue'), props: true },
      { path: '/servers/:id/apps/:app', name: 'app', component: () => import('./features/apps/pages/AppPage.vue'), props: true },
      { path: '/dashboard', name: 'dashboard', component: () => import('./features/monitor/pages/DashboardPage.vue') },
      { path: '/servers/:id/monitor', name: 'monitor', component: () => import('./features/monitor/pages/ServerMonitorPage.vue'), props: true },
      { path: '/jobs/:jobId', name: 'job', component: () => import('./features/jobs/pages/JobPage.vue'), props: true },
      { path: '/settings', name: 'settings', component: () => import('./features/settings/pages/SettingsPage.vue') },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
