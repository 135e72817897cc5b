import { Icon } from './icon'

/**
 * An error shown where it happened and announced (role="alert"); nothing without a message.
 * `inline` keeps it in a row of controls; `icon` leads with the warning sign.
 */
export function ErrorAlert({
  message,
  testId,
  id,
  inline = false,
  icon = false
}: {
  message: string | null | undefined
  testId?: string
  id?: string
  inline?: boolean
  icon?: boolean
}) {
  if (!message) return null
  const Tag = inline ? 'span' : 'p'
  return (
    <Tag id={id} className="field-error" role="alert" data-testid={testId}>
      {icon && <Icon name="warning" />}
      {icon && ' '}
      {message}
    </Tag>
  )
}
