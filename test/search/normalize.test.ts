import { describe, expect, it } from 'vitest';
import { normalize, tokens } from '../../src/search/normalize.ts';

describe('normalisation rules', () => {
  it('applies NFKC and case folding', () => {
    expect(normalize('ＨＵＩＳＡＲＴＳ')).toBe('huisarts');
    expect(normalize('ﬁle')).toBe('file');
  });

  describe('Arabic script (ar, fa, prs)', () => {
    it('strips harakat and the superscript alef', () => {
      expect(normalize('طَبِيبٌ')).toBe('طبيب');
      expect(normalize('هٰذا')).toBe('هذا');
    });
    it('strips tatweel', () => {
      expect(normalize('طـــبيب')).toBe('طبيب');
    });
    it('unifies alef forms', () => {
      expect(normalize('أ إ آ ٱ ا')).toBe('ا ا ا ا ا');
    });
    it('unifies ي ى ی and ك ک', () => {
      expect(normalize('ي ى ی')).toBe('ي ي ي');
      expect(normalize('ك ک')).toBe('ك ك');
      expect(normalize('داکتر')).toBe(normalize('داكتر'));
      expect(normalize('بیمه')).toBe(normalize('بيمه'));
    });
    it('maps Arabic-Indic and Persian digits to 0-9', () => {
      expect(normalize('١١٣ ۱۱۲ ٠٨٠٠')).toBe('113 112 0800');
      expect(tokens('بلعت ٣٠ حبة')).toEqual(tokens('بلعت 30 حبه'));
    });
    it('keeps Persian ZWNJ words whole', () => {
      expect(tokens('من می‌خواهم بخوابم')).toEqual(['من', 'می‌خواهم'.replace('ی', 'ي'), 'بخوابم']);
      expect(tokens('می‌خواهم')).toHaveLength(1);
      expect(tokens('\u200Cخواب\u200C')).toEqual(['خواب']);
    });
  });

  describe("Ge'ez script (ti)", () => {
    it('treats ሀ/ሐ/ኀ as one family in every vowel order', () => {
      expect(normalize('ሐኪም')).toBe(normalize('ሀኪም'));
      expect(normalize('ኀኪም')).toBe(normalize('ሀኪም'));
      expect(normalize('ሑ ሒ ሓ ሔ ሕ ሖ')).toBe('ሁ ሂ ሃ ሄ ህ ሆ');
    });
    it('treats ሰ/ሠ as one', () => {
      expect(normalize('ሠላም')).toBe('ሰላም');
      expect(normalize('ሡ ሢ')).toBe('ሱ ሲ');
    });
    it('treats አ/ዐ/ኣ as one', () => {
      expect(normalize('ዐይኒ')).toBe(normalize('አይኒ'));
      expect(normalize('ኣብ')).toBe(normalize('አብ'));
      expect(normalize('ዓ')).toBe(normalize('አ'));
      expect(normalize('ዑ')).toBe('ኡ');
    });
    it('treats ጸ/ፀ as one', () => {
      expect(normalize('ፀሐይ')).toBe(normalize('ጸሐይ'));
      expect(normalize('ፁ')).toBe('ጹ');
    });
    it('leaves other letters alone', () => {
      expect(normalize('ሓኪም ክረክብ')).toBe('ሃኪም ክረክብ');
    });
  });

  describe('Latin scripts', () => {
    it('strips diacritics users commonly drop', () => {
      expect(normalize('café één ürün şikayet çocuk ğ')).toBe('cafe een urun sikayet cocuk g');
      expect(normalize('Sağlık sigortası')).toBe('saglik sigortasi');
      expect(normalize('İlaç')).toBe('ilac');
    });
    it('handles decomposed input (base letter + combining mark)', () => {
      expect(normalize('e\u0301e\u0308n')).toBe('een');
    });
  });

  describe('Cyrillic', () => {
    it('keeps й and ї (they are letters, not decorated и/і) but maps ґ to г', () => {
      expect(normalize('Лікарня й аптека')).toBe('лікарня й аптека');
      expect(normalize('ґ')).toBe('г');
    });
  });

  it('drops apostrophes inside words (Ukrainian and English users often omit them)', () => {
    expect(tokens("я себе вб'ю")).toEqual(tokens('я себе вбю'));
    expect(tokens('сімʼя')).toEqual(['сімя']);
    expect(tokens("I don't know")).toEqual(['i', 'dont', 'know']);
  });

  it('tokenises on punctuation and spaces', () => {
    expect(tokens('Hoe werkt de huisarts?!')).toEqual(['hoe', 'werkt', 'de', 'huisarts']);
    expect(tokens('eigen-risico 2026')).toEqual(['eigen', 'risico', '2026']);
  });
});
