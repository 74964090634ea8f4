"""The areas of the workbench, one router each (``router = APIRouter()`` at module level).

Every module here is included by :func:`web.app.create_app` (found on disk); an optional
``setup(app)`` function is called once the app is built (declare the area's tables in the web
database with ``app.state.webdb.ensure_schema(...)``). HTML routes say ``include_in_schema=False``;
JSON routes stay in ``/openapi.json``.
"""
