import plugin from './fastify.js'

export const apiward = plugin
export default plugin
