import { Composer } from 'grammy'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { forMember } from '../middlewares/require-member.ts'
import type { HolidayAskButtons } from '../../services/greetings.ts'

/** The answer to "do you want a greeting on <holiday>?": the holiday and yes or no. */
interface HolidayAnswer {
  holidayId: string
  wants: boolean
}

/** Callback data of the Yes / No buttons under the sensitive-holiday question. */
export const holidayAskButton = callbackCodec<HolidayAnswer>('hask', 1, {
  encode: (answer) => [answer.holidayId, answer.wants ? 'y' : 'n'],
  decode: ([holidayId, answer, ...rest]) =>
    holidayId && (answer === 'y' || answer === 'n') && rest.length === 0
      ? { holidayId, wants: answer === 'y' }
      : undefined,
})

/** The two buttons the greetings service puts under its question (labels are i18n keys). */
export const holidayAskButtons: HolidayAskButtons = (holidayId) => [
  { labelKey: 'greetings.ask_yes', data: holidayAskButton.encode({ holidayId, wants: true }) },
  { labelKey: 'greetings.ask_no', data: holidayAskButton.encode({ holidayId, wants: false }) },
]

/**
 * The customer's answer before a sensitive holiday (Mother's / Father's Day): kept for good, No
 * switches that greeting off like the toggle in Settings. The question is replaced by the answer.
 */
const composer = new Composer<Context>()
composer.chatType('private').callbackQuery(
  holidayAskButton.pattern,
  forMember<Context>(async (ctx, member) => {
    const answer = holidayAskButton.decode(ctx.callbackQuery?.data ?? '')
    const kept = answer
      ? await ctx.services.greetings.answerHolidayAsk(member.id, answer.holidayId, answer.wants)
      : false
    if (!answer || !kept) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery({ text: ctx.t('settings.saved') })
    await ctx.editMessageText(ctx.t(answer.wants ? 'greetings.ask_answer_yes' : 'greetings.ask_answer_no'))
  }),
)

export { composer as holidayAskFeature }
