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
      { path: '/servers/:id/apps', name: 'apps', component: () => import('./features/apps/pages/AppsPage.vue'), props: true },
      { path: '/servers/:id/setup', name: 'setup', component: () => import('./features/provision/pages/ProvisionPage.vue'), props: true },
      { path: '/servers/:id/apps/:app', name: 'app', component: () => import('./features/apps/pages/AppPage.vue'), props: true },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
