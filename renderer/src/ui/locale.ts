// Naive UI's English texts, minus the generic placeholders ("Please Input", "Please Select"): an empty field
// says nothing rather than an order, and each form gives its own example where one helps.

import { createLocale, enUS } from 'naive-ui'

export const locale = createLocale(
  {
    Input: { placeholder: '' },
    InputNumber: { placeholder: '' },
    Select: { placeholder: 'Choose…' },
    Cascader: { placeholder: 'Choose…' },
  } as Parameters<typeof createLocale>[0],
  enUS,
)
