import { Link } from 'react-router';
import { t } from '../i18n/t';

export function NotFoundPage() {
  return (
    <div>
      <h1 className="text-2xl font-semibold">{t('notFound.title')}</h1>
      <p className="mt-2">
        <Link to="/" className="text-sky-800 underline dark:text-sky-300">
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
