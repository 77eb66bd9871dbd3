import { IntegrationDefinition } from '@botpress/sdk';
import * as s from './src/schemas.ts';

/**
 * 益农助手 for Botpress bots: ask our assistant (answers with citations from the reviewed knowledge base),
 * search the knowledge base, and hand a farmer to our expert team as a HITL provider. Built against
 * @botpress/sdk 5.4.3 / @botpress/client 1.35.0 (see README.md).
 */
export default new IntegrationDefinition({
  name: 'yinong-assistant',
  version: '0.1.0',
  title: '益农助手 Yinong Assistant',
  description: '农技问答（带出处）、知识库检索，以及转给益农专家团队的人工服务（HITL）。',
  readme: 'README.md',
  icon: 'icon.svg',
  configuration: { schema: s.configuration },
  actions: {
    askAssistant: {
      title: '问益农助手',
      description: '把农户的问题交给益农助手，返回答复、出处，以及是否已转专家',
      input: { schema: s.askAssistantInput },
      output: { schema: s.askAssistantOutput },
    },
    searchKnowledge: {
      title: '检索知识库',
      description: '在益农知识库里检索，返回最相关的段落',
      input: { schema: s.searchKnowledgeInput },
      output: { schema: s.searchKnowledgeOutput },
    },
    createUser: {
      title: 'Create user',
      description: 'HITL: the user the handoff session is opened for',
      input: { schema: s.createUserInput },
      output: { schema: s.createUserOutput },
    },
    startHitl: {
      title: 'Start HITL',
      description: 'HITL: open a ticket in the 益农 expert inbox with the conversation so far',
      input: { schema: s.startHitlInput },
      output: { schema: s.startHitlOutput },
    },
    stopHitl: {
      title: 'Stop HITL',
      description: 'HITL: close the ticket and give the conversation back to the bot',
      input: { schema: s.stopHitlInput },
      output: { schema: s.stopHitlOutput },
    },
  },
  channels: {
    hitl: {
      title: 'HITL',
      description: 'The handoff session with an 益农 expert',
      messages: { text: { schema: s.hitlText } },
      conversation: { tags: { id: { title: '转人工会话编号' } } },
      message: { tags: { id: { title: '益农投递编号' } } },
    },
  },
  events: {
    hitlAssigned: { title: 'HITL assigned', schema: s.hitlAssigned },
    hitlStopped: { title: 'HITL stopped', schema: s.hitlStopped },
    expertAnswer: {
      title: '专家答复',
      description: 'An expert answered a question askAssistant escalated; the bot sends it to the farmer',
      schema: s.expertAnswer,
    },
  },
  states: {
    delivery: { type: 'integration', schema: s.deliveryState },
    yinong: { type: 'conversation', schema: s.conversationState },
    hitl: { type: 'conversation', schema: s.hitlState },
  },
  user: { tags: { id: { title: '益农用户编号' } } },
});
