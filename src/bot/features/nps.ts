import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import { createNpsThreadConversation, NPS_THREAD } from '../conversations/nps-thread.ts'
import { createNpsWhyConversation, npsMessageDeps, NPS_WHY } from '../conversations/nps-why.ts'
import type { Context } from '../context.ts'
import { alertOwners } from './nps-messages.ts'
import { npsAnswerButton, npsCancelButton, npsScoreButton, npsSkipButton, questionText } from './nps-views.ts'

/**
 * The customer's side of NPS: a score tap (once per survey: a second tap, an expired or someone
 * else's survey and a forged button change nothing and get a short answer), owners alerted at
 * once about a detractor, then the "why?" step; and the Answer button under an owner's reply. Installs both NPS conversations, so it is
 * mounted before {@link createOwnerNpsFeature}.
 */
export function createNpsFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  composer.use(createNpsWhyConversation(i18n))
  composer.use(createNpsThreadConversation(i18n))
  const feature = composer.chatType('private')

  feature.callbackQuery(npsScoreButton.pattern, async (ctx) => {
    const tap = npsScoreButton.decode(ctx.callbackQuery.data)
    if (!tap) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    try {
      const outcome = await ctx.services.nps.answer(tap.ref, ctx.from.id, tap.score)
      if (!outcome.recorded) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.NPS.ALREADY_ANSWERED') })
        return
      }
      await ctx.answerCallbackQuery()
      await ctx
        .editMessageText(
          `${questionText(ctx.t, ctx.config.program)}\n\n${ctx.t('nps.your_score', { score: outcome.survey.answer?.score })}`,
        )
        .catch(() => undefined)
      const feedback = await ctx.services.nps.openFeedback(tap.ref, outcome.survey)
      if (feedback) await alertOwners(npsMessageDeps(ctx, i18n), feedback)
      // One NPS step at a time: both conversations are parallel to others, so text goes to this one.
      await ctx.conversation.exit(NPS_WHY)
      await ctx.conversation.exit(NPS_THREAD)
      await ctx.conversation.enter(NPS_WHY, tap.ref, outcome.category)
    } catch (error) {
      if (!isDomainError(error)) throw error
      await ctx.answerCallbackQuery({ text: ctx.t(translationKeyOf(error.code), error.params) })
      if (error.code === 'NPS.SURVEY_EXPIRED') {
        await ctx
          .editMessageText(`${questionText(ctx.t, ctx.config.program)}\n\n${ctx.t('nps.expired')}`)
          .catch(() => undefined)
      }
    }
  })

  feature.callbackQuery(npsAnswerButton.pattern, async (ctx) => {
    const ref = npsAnswerButton.decode(ctx.callbackQuery.data)
    const thread = ref ? await ctx.services.nps.findFeedback(ref) : null
    if (!ref || !thread || !(await ctx.services.nps.isThreadCustomer(thread, ctx.from.id))) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    if (thread.customerAnswer !== null) {
      await ctx.answerCallbackQuery({ text: ctx.t('nps.answer_already') })
      return
    }
    await ctx.answerCallbackQuery()
    await ctx.conversation.exit(NPS_WHY)
    await ctx.conversation.exit(NPS_THREAD)
    await ctx.conversation.enter(NPS_THREAD, ref, 'customer')
  })

  // Skip and Cancel of a step that is over (the conversation handles them while it waits).
  feature.callbackQuery([npsSkipButton.pattern, npsCancelButton.pattern], async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
  })

  return composer
}
