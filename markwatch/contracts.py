"""The data that crosses markwatch's boundary (../shared/CONTRACTS.md §1–§4b), as pydantic models.

Why pydantic everywhere: one declaration gives validation with field-level error messages, JSON
(de)serialisation and type hints. Extra fields are kept (``extra="allow"``) because the contract
says readers must ignore, not drop, what they do not know.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

RightKind = Literal["trademark", "gi", "special_mark"]


class Right(BaseModel):
    """One protected right of the register (§1)."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$", description="unique, stable id")
    kind: RightKind
    name: str = Field(min_length=1, description="the mark as protected")
    variants: list[str] = Field(default_factory=list, description="official other renderings")
    holder: str = ""
    registration_no: str | None = None
    nice_classes: list[int] = Field(default_factory=list, description="[] = all classes")
    well_known: bool = False
    authorized_sellers: list[str] = Field(default_factory=list)
    reference_price: float | None = Field(default=None, gt=0)
    regions: list[str] = Field(default_factory=list, description="GI production area")

    @field_validator("nice_classes")
    @classmethod
    def _nice_range(cls, classes: list[int]) -> list[int]:
        bad = [c for c in classes if not 1 <= c <= 45]
        if bad:
            raise ValueError(f"Nice classes run from 1 to 45, got {bad}")
        return classes

    @field_validator("registration_no", mode="before")
    @classmethod
    def _registration_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @property
    def all_names(self) -> list[str]:
        """The protected name followed by its official variants."""
        return [self.name, *self.variants]


class Register(BaseModel):
    """The register of protected rights (§1)."""

    model_config = ConfigDict(extra="allow")

    version: int = 1
    rights: list[Right]


class Listing(BaseModel):
    """One listing as a spider emits it or a platform exports it (§2). Only url and title are required."""

    model_config = ConfigDict(extra="allow")

    url: str = Field(min_length=1)
    title: str
    platform: str = ""
    listing_id: str = ""
    description: str = ""
    price: float | None = None
    currency: str = ""
    seller_name: str = ""
    seller_id: str = ""
    ship_from: str = ""
    category: str = ""
    brand: str = ""
    image_urls: list[str] = Field(default_factory=list)
    crawled_at: str = ""


class LabelledListing(Listing):
    """A listing with its ground truth (§4b), for ``markwatch evaluate`` and ``markwatch train``."""

    infringes: list[str] = Field(default_factory=list)
    case: str = ""


class Lead(BaseModel):
    """One flagged listing–right pair (§3)."""

    url: str
    right_id: str
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str]
    reason_codes: list[dict[str, Any]] = Field(
        default_factory=list, description="one {code, **params} per reason, same order (matchers/reasons.py)")
    listing: dict[str, Any]
