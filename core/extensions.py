"""Flask extension instances, created unbound and initialised in create_app."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_list(values: object) -> str:
    """An SQL list of string literals for check constraints: ('a', 'b'); values are our own constants."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CountedPagination(SelectPagination):
    """A page of a select's rows. A page neither full nor empty is the last, so its rows and offset give the total:
    no count statement, which matched a search's rows all over again (an empty page, past the end, is counted)."""

    def _query_count(self) -> int:
        if 0 < len(self.items) < self.per_page:
            return self._query_offset + len(self.items)
        return self._count_all()

    def _count_all(self) -> int:
        return super()._query_count()


class Database(SQLAlchemy):
    """Flask-SQLAlchemy whose pages are CountedPagination."""

    def paginate(self, select: object, **kwargs: object) -> CountedPagination:  # the keywords of SQLAlchemy.paginate
        return CountedPagination(select=select, session=self.session(), **kwargs)


db = Database(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
bootstrap = Bootstrap5()
cache = Cache()  # figures costly to compute and read often (CACHE_TYPE: per worker by default)


def refresh_statistics() -> None:
    """SQLite: gather the tables' statistics (ANALYZE), which its planner needs to prefer a selective index (an
    organization's projects) to one that merely gives the order asked for (every project by date); PostgreSQL's
    autovacuum keeps its own. Run daily by `flask reminders run`."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))


class rarely(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """A condition few rows meet (a state records pass through), said to SQLite's planner with unlikely(): its
    statistics keep one average number of rows per value of an index's column, so the states most rows rest in
    (reports due, accepted) make a passing one (submitted) look as common, and it read every running project to find
    their few submitted reports. PostgreSQL keeps each value's frequency and is given the condition itself."""

    # No type: a boolean in a WHERE clause is compared to 1 on SQLite, and unlikely(...) = 1 hides the hint.
    inherit_cache = True
    name = "rarely"


@compiles(rarely)
def _condition(element: rarely, compiler: SQLCompiler, **kw: object) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(rarely, "sqlite")
def _unlikely(element: rarely, compiler: SQLCompiler, **kw: object) -> str:
    return f"unlikely({compiler.process(element.clauses, **kw)})"
