import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { connectToCore } from './api/connect.js'
import App from './App.vue'
import './ui/layout.css'
import { createAppRouter } from './router.js'

// The transport must exist before any store is created: the stores subscribe to events in their setup.
connectToCore()

createApp(App).use(createPinia()).use(createAppRouter()).mount('#app')
