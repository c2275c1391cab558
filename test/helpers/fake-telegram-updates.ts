/** Builders for Telegram updates as the Bot API delivers them (private chat: chat.id === from.id). */
let nextId = 50_000;
let nextMessage = 1;

export interface UserOpts {
  userId: number;
  languageCode?: string;
  updateId?: number;
}

function from(o: UserOpts) {
  return { id: o.userId, is_bot: false, first_name: 'Test', ...(o.languageCode ? { language_code: o.languageCode } : {}) };
}

function message(o: UserOpts, extra: Record<string, unknown>, chat: Record<string, unknown> = { id: o.userId, type: 'private', first_name: 'Test' }) {
  return { update_id: o.updateId ?? nextId++, message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat, from: from(o), ...extra } };
}

export const tg = {
  text: (o: UserOpts, text: string) =>
    message(o, { text, ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]?.length ?? 1 }] } : {}) }),
  callback: (o: UserOpts, data: string) => ({
    update_id: o.updateId ?? nextId++,
    callback_query: {
      id: `cq${nextMessage++}`,
      from: from(o),
      chat_instance: '42',
      data,
      message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { id: o.userId, type: 'private', first_name: 'Test' }, text: 'menu' },
    },
  }),
  location: (o: UserOpts, latitude: number, longitude: number) => message(o, { location: { latitude, longitude } }),
  voice: (o: UserOpts) => message(o, { voice: { file_id: 'voice-file', file_unique_id: 'v1', duration: 3 } }),
  photo: (o: UserOpts, caption?: string) =>
    message(o, {
      photo: [
        { file_id: 'small', file_unique_id: 'p1', width: 90, height: 90 },
        { file_id: 'big', file_unique_id: 'p2', width: 800, height: 800 },
      ],
      ...(caption ? { caption } : {}),
    }),
  document: (o: UserOpts) => message(o, { document: { file_id: 'doc-file', file_unique_id: 'd1', file_name: 'letter.pdf' } }),
  sticker: (o: UserOpts) =>
    message(o, { sticker: { file_id: 'st', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }),
  contact: (o: UserOpts) => message(o, { contact: { phone_number: '+31600000000', first_name: 'Someone' } }),
  edited: (o: UserOpts, text: string) => ({
    update_id: o.updateId ?? nextId++,
    edited_message: { message_id: nextMessage++, date: 1, edit_date: 2, chat: { id: o.userId, type: 'private', first_name: 'Test' }, from: from(o), text },
  }),
  channelPost: (chatId: number, text: string) => ({
    update_id: nextId++,
    channel_post: { message_id: nextMessage++, date: 1, chat: { id: chatId, type: 'channel', title: 'A channel' }, text },
  }),
  group: (o: UserOpts, groupId: number, text: string) => message(o, { text }, { id: groupId, type: 'group', title: 'A group' }),
};
