import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import HomePage from './pages/HomePage.vue'
import ServerPage from './pages/ServerPage.vue'

// Hash history: the window is loaded from file:// by Electron and from the web host alike.
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'home', component: HomePage },
      { path: '/servers/:id', name: 'server', component: ServerPage, props: true },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
